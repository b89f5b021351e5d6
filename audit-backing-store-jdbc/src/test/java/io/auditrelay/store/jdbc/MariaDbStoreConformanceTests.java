package io.auditrelay.store.jdbc;

/** The store conformance suite on MariaDB. */
class MariaDbStoreConformanceTests extends SqlStoreConformanceTests {

  MariaDbStoreConformanceTests() {
    super(TestDatabase.mariadb().report("MariaDbStoreConformanceTests"));
  }
}
