package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConformanceTests;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The core conformance suite, unchanged, on one database; each test gets its own table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlStoreConformanceTests extends BackingStoreConformanceTests {

  private final TestDatabase database;
  private final boolean lease;
  private final List<String> tables = new CopyOnWriteArrayList<>();

  SqlStoreConformanceTests(TestDatabase database) {
    this(database, false);
  }

  SqlStoreConformanceTests(TestDatabase database, boolean lease) {
    this.database = database;
    this.lease = lease;
  }

  @Override
  protected BackingStore createStore() {
    return open(Map.of());
  }

  @Override
  protected BackingStore createStoreHolding(int events) {
    return open(Map.of("max_events", events));
  }

  private BackingStore open(Map<String, Object> extra) {
    String table = TestDatabase.uniqueTable("conformance");
    tables.add(table);
    return database.open(table, extra, lease);
  }

  @AfterAll
  void dropTables() {
    tables.forEach(database::drop);
  }
}
