package io.auditrelay.store.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/**
 * The store conformance suite on MariaDB with claims by lease, the way MariaDB before 10.6 and
 * MySQL before 8.0 (no SKIP LOCKED) are served. Runs on the real MariaDB; its H2 fallback has no
 * lease SQL (MariaDB syntax), so on a laptop without MariaDB this class reports itself skipped.
 */
class MariaDbLeaseConformanceTests extends SqlStoreConformanceTests {

  MariaDbLeaseConformanceTests() {
    super(TestDatabase.mariadb().report("MariaDbLeaseConformanceTests"), true);
  }

  /** Per test, so that a laptop run reports every test of the suite as skipped. */
  @BeforeEach
  void needsMariaDb() {
    assumeTrue(TestDatabase.mariadb().real(), "MariaDB not reachable: lease SQL is MariaDB syntax");
  }
}
