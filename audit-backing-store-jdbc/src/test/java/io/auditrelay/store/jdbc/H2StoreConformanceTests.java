package io.auditrelay.store.jdbc;

/** The store conformance suite on H2. */
class H2StoreConformanceTests extends SqlStoreConformanceTests {

  H2StoreConformanceTests() {
    super(TestDatabase.h2().report("H2StoreConformanceTests"));
  }
}
