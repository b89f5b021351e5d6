package io.auditrelay.store.jdbc;

/** The store conformance suite on PostgreSQL. */
class PostgresStoreConformanceTests extends SqlStoreConformanceTests {

  PostgresStoreConformanceTests() {
    super(TestDatabase.postgres().report("PostgresStoreConformanceTests"));
  }
}
