package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and upgrades the store's tables with a Flyway of the library's own: its scripts are
 * {@code db/audit/{vendor}/V*.sql}, its history table is {@code <table>_schema_history}, so the
 * application's own migrations and history are never touched. Flyway locks the schema while it
 * migrates, so replicas starting together do not race.
 */
final class SchemaMigration {

  private SchemaMigration() {}

  /** The Flyway history table of {@code tableName}. */
  static String historyTable(String tableName) {
    return tableName + "_schema_history";
  }

  static void migrate(DataSource dataSource, SqlDialect dialect, String tableName) {
    Flyway flyway =
        Flyway.configure(SchemaMigration.class.getClassLoader())
            .dataSource(dataSource)
            .locations(dialect.location())
            .table(historyTable(tableName))
            .placeholders(
                Map.of(
                    "table", dialect.quote(tableName),
                    "quarantine", dialect.quote(SqlStatements.quarantineTable(tableName))))
            // The schema usually holds the application's tables: start our history at version 0.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .cleanDisabled(true)
            .failOnMissingLocations(true)
            .load();
    try {
      flyway.migrate();
    } catch (FlywayException e) {
      throw new BackingStoreException(
          "sql store: migrating the audit tables "
              + tableName
              + " failed ("
              + e.getMessage()
              + "); fix the database or set param skip_migration and create them with the"
              + " scripts of docs/sql-store.md",
          e);
    }
  }
}
