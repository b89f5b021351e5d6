package io.auditrelay.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.secrets.Secrets;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConfigException;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFactory;
import io.auditrelay.store.StoreParams;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;

/**
 * Builds the SQL store, type {@code sql}. Params:
 *
 * <ul>
 *   <li>{@code url}: a JDBC URL; the store then opens a small pool of its own (HikariCP). Absent:
 *       the application's {@code DataSource} (the only way to use {@code transactional} delivery).
 *   <li>{@code username}, {@code password}: for {@code url}; the password is never logged or shown.
 *   <li>{@code table_name}: default {@code audit_events}; a lower-case identifier of at most 42
 *       characters. The quarantine table is {@code <table_name>_quarantine}, the Flyway history
 *       {@code <table_name>_schema_history}.
 *   <li>{@code batch_size}: most events per claim and per JDBC batch, default 500.
 *   <li>{@code max_events}: capacity, default 1,000,000; beyond it appends fail with {@link
 *       io.auditrelay.store.BackingStoreFullException} and the Auditor applies its overflow policy.
 *   <li>{@code skip_migration}: true when the tables are created by the application's own
 *       migrations (scripts in {@code docs/sql-store.md}); the store then only checks they exist.
 *   <li>{@code statement_timeout_seconds}: default 10, at most 3,600; bounds every statement, the
 *       own pool's wait for a connection, and (three times over) a read from a database that no
 *       longer answers, startup included.
 *   <li>{@code pool_size}: connections of the own pool, default 4; only with {@code url}.
 * </ul>
 */
public final class JdbcBackingStoreFactory implements BackingStoreFactory {

  /** The store type. */
  public static final String TYPE = "sql";

  static final String DEFAULT_TABLE = "audit_events";
  static final int DEFAULT_BATCH_SIZE = 500;
  static final long DEFAULT_MAX_EVENTS = 1_000_000;
  static final int STATEMENT_TIMEOUT_SECONDS = 10;
  static final int MAX_STATEMENT_TIMEOUT_SECONDS = 3_600;
  static final int DEFAULT_POOL_SIZE = 4;

  /**
   * At most 42 characters: the longest name derived from it, Flyway's index {@code
   * <table>_schema_history_s_idx}, then stays within PostgreSQL's 63-byte identifiers, so no name
   * is ever cut (cut names of Flyway's key and index can collide, and the migration fails).
   */
  private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,41}");

  private static final Pattern PASSWORD_IN_URL =
      Pattern.compile("(?i)(://[^/@]*:[^/@]*@|[?&;](password|pwd)=)");

  private final Supplier<@Nullable DataSource> applicationDataSource;
  private final boolean migrationEnabled;
  private final Clock clock;
  private final boolean forceLease;

  /** For {@link java.util.ServiceLoader}: no application DataSource, so {@code url} is required. */
  public JdbcBackingStoreFactory() {
    this(() -> null, true);
  }

  /**
   * A factory that uses the application's DataSource when {@code url} is absent.
   *
   * @param applicationDataSource the application's DataSource, asked for only when needed; may
   *     supply null when there is none
   * @param migrationEnabled false to never run the migrations, whatever {@code skip_migration} says
   *     (the Spring Boot property {@code audit.sql.migrate})
   */
  public JdbcBackingStoreFactory(
      Supplier<@Nullable DataSource> applicationDataSource, boolean migrationEnabled) {
    this(applicationDataSource, migrationEnabled, Clock.systemUTC(), false);
  }

  /**
   * For tests: {@code forceLease} claims with leases even where {@code SKIP LOCKED} exists, so the
   * lease path runs against a real MariaDB.
   */
  JdbcBackingStoreFactory(
      Supplier<@Nullable DataSource> applicationDataSource,
      boolean migrationEnabled,
      Clock clock,
      boolean forceLease) {
    this.applicationDataSource = applicationDataSource;
    this.migrationEnabled = migrationEnabled;
    this.clock = clock;
    this.forceLease = forceLease;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> parameters() {
    return Set.of(
        "url",
        "username",
        "password",
        "table_name",
        "batch_size",
        "max_events",
        "skip_migration",
        "statement_timeout_seconds",
        "pool_size");
  }

  @Override
  public BackingStore create(StoreParams params) {
    String url = params.string("url");
    String tableName = tableName(params);
    int batchSize = params.positiveInt("batch_size", DEFAULT_BATCH_SIZE);
    long maxEvents = params.positiveLong("max_events", DEFAULT_MAX_EVENTS);
    boolean migrate = migrationEnabled && !params.bool("skip_migration", false);
    int statementTimeoutSeconds = statementTimeoutSeconds(params);
    DataSource dataSource;
    HikariDataSource ownPool = null;
    if (url == null) {
      if (params.has("username") || params.has("password")) {
        throw params.invalid(
            "username", "(given)", "absent unless param 'url' is given (they are for its pool)");
      }
      if (params.has("pool_size")) {
        throw params.invalid(
            "pool_size",
            params.positiveInt("pool_size", DEFAULT_POOL_SIZE),
            "absent unless param 'url' is given (the application's DataSource has its own size)");
      }
      dataSource = applicationDataSource.get();
      if (dataSource == null) {
        throw new BackingStoreConfigException(
            "param 'url' is required for store type 'sql' when the application has no"
                + " DataSource, e.g. {\"type\":\"sql\",\"params\":{\"url\":"
                + "\"jdbc:postgresql://db:5432/app\",\"username\":\"app\",\"password\":\"...\"}}");
      }
    } else {
      validateUrl(params, url);
      ownPool =
          pool(
              url,
              params.string("username"),
              params.string("password"),
              params.positiveInt("pool_size", DEFAULT_POOL_SIZE),
              statementTimeoutSeconds * 1000L);
      dataSource = ownPool;
    }
    try {
      // Startup is bounded like every later call: a database that stops answering fails it.
      DataSource bounded = Jdbc.withNetworkTimeout(dataSource, statementTimeoutSeconds * 3_000);
      SqlDialect.Detected database;
      try (Connection connection = bounded.getConnection()) {
        database = SqlDialect.detect(connection.getMetaData());
      }
      boolean skipLocked = database.skipLocked() && !forceLease;
      if (migrate) {
        SchemaMigration.migrate(bounded, database.dialect(), tableName);
      }
      StoreDatabase store =
          new StoreDatabase(dataSource, database.dialect(), statementTimeoutSeconds);
      checkTables(store, tableName, migrate, !skipLocked);
      return new JdbcBackingStore(
          new EventTable(store, tableName, clock), skipLocked, ownPool, batchSize, maxEvents);
    } catch (SQLException e) {
      closeQuietly(ownPool);
      throw new BackingStoreException(
          "sql store: cannot open the audit table " + tableName + ": " + SqlFailures.describe(e),
          e);
    } catch (RuntimeException e) {
      closeQuietly(ownPool);
      throw e;
    }
  }

  private static int statementTimeoutSeconds(StoreParams params) {
    int seconds = params.positiveInt("statement_timeout_seconds", STATEMENT_TIMEOUT_SECONDS);
    if (seconds > MAX_STATEMENT_TIMEOUT_SECONDS) {
      throw params.invalid(
          "statement_timeout_seconds",
          seconds,
          "a number of seconds from 1 to " + MAX_STATEMENT_TIMEOUT_SECONDS);
    }
    return seconds;
  }

  /** Whether {@code name} is a valid {@code table_name}. */
  static boolean isTableName(String name) {
    return TABLE_NAME.matcher(name).matches();
  }

  private static String tableName(StoreParams params) {
    String name = params.string("table_name");
    if (name == null) {
      return DEFAULT_TABLE;
    }
    if (!isTableName(name)) {
      throw params.invalid(
          "table_name",
          name,
          "a lower-case SQL identifier: a letter or '_', then letters a-z, digits or '_', at most"
              + " 42 characters (no schema, quotes or other characters)");
    }
    return name;
  }

  private static void validateUrl(StoreParams params, String url) {
    if (!url.startsWith("jdbc:")) {
      throw params.invalid("url", url, "a JDBC URL such as jdbc:postgresql://db:5432/app");
    }
    if (PASSWORD_IN_URL.matcher(url).find()) {
      throw params.invalid(
          "url", url, "a JDBC URL without a password; give the password in param 'password'");
    }
  }

  private static HikariDataSource pool(
      String url,
      @Nullable String username,
      @Nullable String password,
      int poolSize,
      long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("audit-sql-store");
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeoutMillis);
    if (url.startsWith("jdbc:postgresql:")) {
      // One multi-row INSERT per JDBC batch instead of one round trip per row.
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new BackingStoreException(
          "sql store: cannot connect to "
              + Secrets.maskUrl(url)
              + ": "
              + Secrets.maskUrl(String.valueOf(cause.getMessage())),
          cause);
    }
  }

  private static void checkTables(
      StoreDatabase database, String tableName, boolean migrated, boolean leased) {
    SqlDialect dialect = database.dialect();
    for (String probe : new SqlStatements(dialect, tableName).probes(leased)) {
      try {
        database.jdbc().query(probe, rows -> {});
      } catch (DataAccessException e) {
        throw new BackingStoreException(
            "sql store: the audit tables "
                + tableName
                + " and "
                + SqlStatements.quarantineTable(tableName)
                + " are missing or incomplete ("
                + SqlFailures.describe(e)
                + ")"
                + (migrated
                    ? ""
                    : "; migrations are off (the param skip_migration, or audit.sql.migrate=false"
                        + " under Spring Boot): create them with the scripts "
                        + dialect.location().substring("classpath:".length())
                        + "/V*.sql of the audit-backing-store-jdbc jar, or let the store"
                        + " create them"),
            e);
      }
    }
  }

  private static void closeQuietly(@Nullable HikariDataSource pool) {
    if (pool != null) {
      pool.close();
    }
  }
}
