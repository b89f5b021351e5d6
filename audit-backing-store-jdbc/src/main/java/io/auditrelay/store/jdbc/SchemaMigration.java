package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and upgrades the store's tables with a Flyway of the library's own: its scripts are
 * {@code db/audit/{vendor}/V*.sql}, its history table is {@code <table>_schema_history}, so the
 * application's own migrations and history are never touched. Replicas starting together take turns
 * ({@link MigrationLock}): Flyway's own lock covers its history table only once that table exists,
 * and replicas creating it at once failed ("already exists, and is empty", or a migration run twice
 * and recorded as failed).
 */
final class SchemaMigration {

  private SchemaMigration() {}

  /** The Flyway history table of {@code tableName}. */
  static String historyTable(String tableName) {
    return tableName + "_schema_history";
  }

  static void migrate(DataSource dataSource, SqlDialect dialect, String tableName) {
    migrate(
        dataSource,
        dialect,
        "db/audit",
        tableName,
        Map.of(
            "table", dialect.quote(tableName),
            "quarantine", dialect.quote(SqlStatements.quarantineTable(tableName))),
        "sql store",
        "; fix the database, or set the param skip_migration and create them with the scripts ",
        "audit-backing-store-jdbc");
  }

  /**
   * Runs {@code classpath:{scripts}/{vendor}/V*.sql} on {@code dataSource}, with its own history
   * table {@code <tableName>_schema_history}, one replica at a time.
   *
   * @param placeholders the scripts' placeholders, table names already quoted
   * @param owner who migrates, as error messages start: {@code sql store}
   * @param instead what the error message says to do instead, before the scripts' folder
   * @param jar the artifact whose jar holds the scripts
   */
  static void migrate(
      DataSource dataSource,
      SqlDialect dialect,
      String scripts,
      String tableName,
      Map<String, String> placeholders,
      String owner,
      String instead,
      String jar) {
    String location = dialect.location(scripts);
    Flyway flyway =
        Flyway.configure(SchemaMigration.class.getClassLoader())
            .dataSource(dataSource)
            .locations(location)
            .table(historyTable(tableName))
            .placeholders(placeholders)
            // The schema usually holds the application's tables: start our history at version 0.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .cleanDisabled(true)
            .failOnMissingLocations(true)
            .load();
    try (MigrationLock lock = MigrationLock.take(dataSource, dialect, tableName)) {
      flyway.migrate();
    } catch (FlywayException e) {
      throw new BackingStoreException(
          owner
              + ": migrating the audit tables "
              + tableName
              + " failed ("
              + e.getMessage()
              + ")"
              + instead
              + location.substring("classpath:".length())
              + "/V*.sql of the "
              + jar
              + " jar",
          e);
    } catch (SQLException e) {
      throw new BackingStoreException(
          owner
              + ": cannot lock the migration of the audit tables "
              + tableName
              + ": "
              + SqlFailures.describe(e),
          e);
    }
  }
}
