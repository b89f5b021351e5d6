package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Runs the Flyway scripts of an Audit Relay module the way the SQL store runs its own: a history
 * table of its own ({@code <table>_schema_history}, so the application's migrations are never
 * touched), baselined at version 0 in a schema that already holds tables, and one replica at a time
 * (a PostgreSQL advisory lock, a MariaDB or MySQL named lock).
 */
public final class AuditMigrations {

  private AuditMigrations() {}

  /**
   * Creates or upgrades tables with {@code classpath:{scripts}/{vendor}/V*.sql}, where vendor is
   * {@code postgresql}, {@code mariadb}, {@code mysql} or {@code h2}.
   *
   * @param table the main table, which names the history table and the lock
   * @param tables each placeholder of the scripts and the table name it stands for (quoted here);
   *     every name must be a valid store {@code table_name}
   * @param owner who migrates, as error messages start (such as {@code audit archive})
   * @param jar the artifact whose jar holds the scripts, named in error messages
   * @return the vendor whose scripts ran
   * @throws BackingStoreException when the database is not supported or the migration fails
   * @throws IllegalArgumentException for a table name that is not a valid {@code table_name}
   */
  public static String migrate(
      DataSource dataSource,
      String scripts,
      String table,
      Map<String, String> tables,
      String owner,
      String jar) {
    requireTableName(table);
    tables.values().forEach(AuditMigrations::requireTableName);
    SqlDialect dialect = dialect(dataSource, owner);
    Map<String, String> placeholders = new HashMap<>();
    tables.forEach((placeholder, name) -> placeholders.put(placeholder, dialect.quote(name)));
    SchemaMigration.migrate(
        dataSource,
        dialect,
        scripts,
        table,
        placeholders,
        owner,
        "; fix the database, or create them with the scripts ",
        jar);
    return dialect.vendor();
  }

  /**
   * The vendor of the database behind {@code dataSource}: {@code postgresql}, {@code mariadb},
   * {@code mysql} or {@code h2}.
   */
  public static String vendor(DataSource dataSource, String owner) {
    return dialect(dataSource, owner).vendor();
  }

  /** {@code name}, a valid {@code table_name}, quoted for {@code vendor}'s SQL. */
  public static String quote(String vendor, String name) {
    requireTableName(name);
    return SqlDialect.valueOf(vendor.toUpperCase(java.util.Locale.ROOT)).quote(name);
  }

  private static SqlDialect dialect(DataSource dataSource, String owner) {
    try (Connection connection = dataSource.getConnection()) {
      return SqlDialect.detect(connection.getMetaData()).dialect();
    } catch (SQLException e) {
      throw new BackingStoreException(
          owner + ": cannot reach the database: " + SqlFailures.describe(e), e);
    }
  }

  private static void requireTableName(String table) {
    if (!JdbcBackingStoreFactory.isTableName(table)) {
      throw new IllegalArgumentException(
          "table name "
              + table
              + " is not valid: a lower-case SQL identifier (a letter or '_', then letters a-z,"
              + " digits or '_'), at most 42 characters");
    }
  }
}
