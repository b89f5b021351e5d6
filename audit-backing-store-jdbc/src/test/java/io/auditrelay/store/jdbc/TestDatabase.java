package io.auditrelay.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.StoreParams;
import io.auditrelay.testsupport.RealServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database for the SQL store suites: the real local server when it is reachable (or the URL of
 * {@code AUDIT_IT_POSTGRES_URL} / {@code AUDIT_IT_MARIADB_URL}), else an embedded fallback (zonky
 * embedded PostgreSQL; H2 for MariaDB), unless real servers are required.
 *
 * @param describe what the suite runs against, for the report
 * @param real whether this is the real server
 */
public record TestDatabase(
    String url, String username, String password, String describe, boolean real) {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestDatabase postgres;
  private static TestDatabase mariadb;
  private static EmbeddedPostgres embeddedPostgres;

  /** PostgreSQL: {@code AUDIT_IT_POSTGRES_URL}, else 127.0.0.1:5432/test, else embedded. */
  public static synchronized TestDatabase postgres() {
    if (postgres == null) {
      String url =
          System.getenv()
              .getOrDefault("AUDIT_IT_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
      if (reachable(url)) {
        postgres = new TestDatabase(url, "postgres", "", "PostgreSQL at " + url, true);
      } else {
        requireNotRequired("PostgreSQL", url);
        try {
          embeddedPostgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        String embedded = "jdbc:postgresql://127.0.0.1:" + embeddedPostgres.getPort() + "/postgres";
        postgres = new TestDatabase(embedded, "postgres", "", "embedded PostgreSQL (zonky)", false);
      }
    }
    return postgres;
  }

  /** MariaDB: {@code AUDIT_IT_MARIADB_URL}, else 127.0.0.1:3306/test, else H2. */
  public static synchronized TestDatabase mariadb() {
    if (mariadb == null) {
      String url =
          System.getenv()
              .getOrDefault("AUDIT_IT_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
      if (reachable(url)) {
        mariadb = new TestDatabase(url, "root", "", "MariaDB at " + url, true);
      } else {
        requireNotRequired("MariaDB", url);
        mariadb =
            new TestDatabase(
                "jdbc:h2:mem:mariadb-fallback;DB_CLOSE_DELAY=-1",
                "sa",
                "",
                "H2 in memory (MariaDB not reachable)",
                false);
      }
    }
    return mariadb;
  }

  /** A private H2 database in memory. */
  public static TestDatabase h2() {
    return new TestDatabase(
        "jdbc:h2:mem:audit" + TABLES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
        "sa",
        "",
        "H2 in memory",
        false);
  }

  /** A table name no other test uses. */
  public static String uniqueTable(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
  }

  /** Reports this database for {@code suite}. */
  public TestDatabase report(String suite) {
    RealServers.report(suite, describe);
    return this;
  }

  /** The store params for {@code table}, with this database's URL. */
  public Map<String, Object> params(String table) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("url", url);
    params.put("username", username);
    if (!password.isEmpty()) {
      params.put("password", password);
    }
    params.put("table_name", table);
    return params;
  }

  /** Opens a store on {@code table} with its own pool. */
  BackingStore open(String table, Map<String, Object> extra) {
    return open(table, extra, false);
  }

  /** Opens a store on {@code table}; {@code lease}: claims by lease even with SKIP LOCKED. */
  BackingStore open(String table, Map<String, Object> extra, boolean lease) {
    Map<String, Object> params = params(table);
    params.putAll(extra);
    return new JdbcBackingStoreFactory(() -> null, true, java.time.Clock.systemUTC(), lease)
        .create(new StoreParams("test", "sql", params));
  }

  /** A pool on this database, as an application's DataSource. */
  public HikariDataSource dataSource() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    return new HikariDataSource(config);
  }

  /** Runs one statement (test set-up and clean-up). */
  public void execute(String sql) {
    try (HikariDataSource ds = dataSource();
        Connection connection = ds.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * Drops the tables of a store on {@code table}, giving up after a lock timeout: a test that
   * failed with a claim still open must go red, not wait for ever on the claim's row locks.
   */
  public void drop(String table) {
    for (String name :
        new String[] {table, table + "_quarantine", SchemaMigration.historyTable(table)}) {
      dropTable(name);
    }
  }

  /**
   * {@code DROP TABLE IF EXISTS name}, under a lock timeout of {@value #CLEAN_UP_LOCK_SECONDS} s.
   */
  public void dropTable(String name) {
    try (HikariDataSource ds = dataSource();
        Connection connection = ds.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(lockTimeout());
      statement.execute("DROP TABLE IF EXISTS " + quote(name));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cleaning up table "
              + name
              + " failed (is a claim of the failed test still open?): "
              + e.getMessage(),
          e);
    }
  }

  static final int CLEAN_UP_LOCK_SECONDS = 10;

  private String lockTimeout() {
    if (url.startsWith("jdbc:postgresql:")) {
      return "SET lock_timeout = '" + CLEAN_UP_LOCK_SECONDS + "s'";
    }
    if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
      return "SET SESSION lock_wait_timeout = " + CLEAN_UP_LOCK_SECONDS;
    }
    return "SET LOCK_TIMEOUT " + CLEAN_UP_LOCK_SECONDS * 1000; // H2
  }

  public String quote(String name) {
    return url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")
        ? "`" + name + "`"
        : "\"" + name + "\"";
  }

  private static void requireNotRequired(String server, String url) {
    if (RealServers.realServersRequired()) {
      throw new IllegalStateException(
          server
              + " is required ("
              + RealServers.REQUIRE_PROPERTY
              + "=true) but not reachable at "
              + url);
    }
  }

  private static boolean reachable(String jdbcUrl) {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    return RealServers.reachable(uri.getHost(), uri.getPort());
  }
}
