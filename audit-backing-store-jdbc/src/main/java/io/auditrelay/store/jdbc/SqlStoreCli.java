package io.auditrelay.store.jdbc;

import io.auditrelay.integrity.ChainLinks;
import io.auditrelay.secrets.Secrets;
import io.auditrelay.store.QuarantineCommands;
import io.auditrelay.store.StoreParams;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Operator commands for a SQL store's tables, with the verbs of the file store's CLI:
 *
 * <pre>
 * AUDIT_STORE_JDBC_USER=… AUDIT_STORE_JDBC_PASSWORD=… \
 * java -cp audit-backing-store-jdbc.jar:audit-core.jar:spring-jdbc.jar:…:DRIVER.jar \
 *   io.auditrelay.store.jdbc.SqlStoreCli stats|dump|verify|list JDBC_URL [TABLE]
 * java … SqlStoreCli requeue JDBC_URL TABLE KEY|all
 * java … SqlStoreCli delete  JDBC_URL TABLE KEY REASON
 * </pre>
 *
 * {@code TABLE} is the store's {@code table_name} (default {@code audit_events}). The user and
 * password come from the environment, never the command line, where other users of the machine
 * could read them. Read-only: plain reads without locks on a read-only connection, so it may
 * inspect tables that running services drain; what it prints is then a snapshot. {@code verify}
 * reports {@code OK} (exit 0), or {@code CORRUPT} (a row whose payload does not match its length or
 * checksum) and {@code TAMPERED} (the integrity chain shows a row altered, reordered or replayed)
 * with the row of each problem (exit 1). Exit 2: usage, or the database cannot be read. {@code
 * list}, {@code requeue} and {@code delete} work on the quarantine table through the store itself,
 * in transactions, so they are safe beside running services; a requeued event is delivered by
 * whichever instance drains next.
 */
public final class SqlStoreCli {

  private SqlStoreCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.getenv()));
  }

  /** Runs a command with the environment {@code env}; returns the exit code. */
  static int run(String[] args, PrintStream out, Map<String, String> env) {
    if (args.length >= 2
        && QuarantineCommands.VERBS.contains(args[0])
        && args[1].startsWith("jdbc:")) {
      return quarantine(args, out, env);
    }
    if (args.length < 2
        || args.length > 3
        || !List.of("stats", "dump", "verify").contains(args[0])
        || !args[1].startsWith("jdbc:")) {
      out.println(
          "usage: SqlStoreCli stats|dump|verify|list JDBC_URL [TABLE], SqlStoreCli requeue"
              + " JDBC_URL TABLE KEY|all, SqlStoreCli delete JDBC_URL TABLE KEY REASON"
              + " (user and password from AUDIT_STORE_JDBC_USER and AUDIT_STORE_JDBC_PASSWORD)");
      return 2;
    }
    String table = args.length == 3 ? args[2] : JdbcBackingStoreFactory.DEFAULT_TABLE;
    if (!JdbcBackingStoreFactory.isTableName(table)) {
      out.println(
          "TABLE "
              + table
              + " is not a store's table_name: a lower-case SQL identifier of at most 42"
              + " characters");
      return 2;
    }
    try (Connection connection =
        DriverManager.getConnection(
            args[1], env.get("AUDIT_STORE_JDBC_USER"), env.get("AUDIT_STORE_JDBC_PASSWORD"))) {
      connection.setReadOnly(true);
      SqlStatements sql =
          new SqlStatements(SqlDialect.detect(connection.getMetaData()).dialect(), table);
      return switch (args[0]) {
        case "stats" -> stats(connection, sql, out);
        case "dump" ->
            scan(
                connection,
                sql,
                row -> {
                  if (row.text() != null) {
                    out.println(row.text());
                  }
                });
        default -> verify(connection, sql, out);
      };
    } catch (SQLException | RuntimeException e) {
      // Drivers may echo the URL, which can carry a password.
      out.println(
          "cannot read store table "
              + table
              + " at "
              + Secrets.maskUrl(args[1])
              + ": "
              + Secrets.maskUrl(String.valueOf(e.getMessage())));
      return 2;
    }
  }

  /**
   * The quarantine verbs: {@code list JDBC_URL [TABLE]}, {@code requeue JDBC_URL TABLE KEY|all},
   * {@code delete JDBC_URL TABLE KEY REASON}, through the store without migrating anything.
   */
  private static int quarantine(String[] args, PrintStream out, Map<String, String> env) {
    boolean list = args[0].equals("list");
    String table = args.length >= 3 ? args[2] : list ? JdbcBackingStoreFactory.DEFAULT_TABLE : null;
    if (table == null || !JdbcBackingStoreFactory.isTableName(table) || (list && args.length > 3)) {
      out.println(
          "usage: SqlStoreCli list JDBC_URL [TABLE], SqlStoreCli requeue JDBC_URL TABLE KEY|all,"
              + " SqlStoreCli delete JDBC_URL TABLE KEY REASON");
      return 2;
    }
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    params.put("url", args[1]);
    params.put("table_name", table);
    params.put("skip_migration", true);
    params.put("pool_size", 1);
    if (env.get("AUDIT_STORE_JDBC_USER") != null) {
      params.put("username", env.get("AUDIT_STORE_JDBC_USER"));
    }
    if (env.get("AUDIT_STORE_JDBC_PASSWORD") != null) {
      params.put("password", env.get("AUDIT_STORE_JDBC_PASSWORD"));
    }
    try {
      return QuarantineCommands.run(
          args[0],
          List.of(args).subList(Math.min(3, args.length), args.length),
          () ->
              new JdbcBackingStoreFactory()
                  .create(new StoreParams("SqlStoreCli", JdbcBackingStoreFactory.TYPE, params)),
          out);
    } catch (RuntimeException e) {
      out.println("cannot use the store: " + Secrets.maskUrl(String.valueOf(e.getMessage())));
      return 2;
    }
  }

  private static int stats(Connection connection, SqlStatements sql, PrintStream out)
      throws SQLException {
    try (PreparedStatement backlog = connection.prepareStatement(sql.backlogStats());
        ResultSet rows = backlog.executeQuery()) {
      rows.next();
      out.println("events " + rows.getLong(1));
      out.println("bytes " + rows.getLong(2));
      long oldest = rows.getLong(3);
      out.println(
          "oldest_age_seconds "
              + (rows.wasNull()
                  ? 0
                  : Duration.between(Instant.ofEpochMilli(oldest), Instant.now()).toSeconds()));
    }
    try (PreparedStatement quarantine = connection.prepareStatement(sql.quarantineStats());
        ResultSet rows = quarantine.executeQuery()) {
      rows.next();
      out.println("quarantined " + rows.getLong(1));
    }
    return 0;
  }

  /** One waiting row as the database holds it. */
  private record Row(long seq, @Nullable String id, @Nullable String text, int length, long crc) {
    byte[] payload() {
      return Payloads.bytes(text == null ? "" : text);
    }
  }

  private interface RowHandler {
    void row(Row row);
  }

  private static int scan(Connection connection, SqlStatements sql, RowHandler handler)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false); // PostgreSQL streams with a fetch size only in a transaction
    try (PreparedStatement statement = connection.prepareStatement(sql.scan())) {
      statement.setFetchSize(1000);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          handler.row(
              new Row(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getInt(4),
                  rows.getLong(5)));
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
    return 0;
  }

  private static int verify(Connection connection, SqlStatements sql, PrintStream out)
      throws SQLException {
    List<String> corrupt = new ArrayList<>();
    List<String> tampered = new ArrayList<>();
    ChainLinks chain = new ChainLinks();
    long[] rows = {0};
    scan(
        connection,
        sql,
        row -> {
          rows[0]++;
          byte[] payload = row.payload();
          String where = "row seq " + row.seq() + " (event " + row.id() + ")";
          @Nullable String damage =
              ClaimedRows.damage(row.id(), row.text(), payload, row.length(), row.crc());
          if (damage != null) {
            corrupt.add(where + ": " + damage);
            return;
          }
          @Nullable String problem = chain.next(payload);
          if (problem != null) {
            tampered.add(where + ": " + problem);
          }
        });
    if (corrupt.isEmpty() && tampered.isEmpty()) {
      out.println("OK " + rows[0] + " rows");
      return 0;
    }
    if (!tampered.isEmpty()) {
      out.println("TAMPERED " + tampered.size() + " problem(s) in " + rows[0] + " rows:");
      tampered.forEach(location -> out.println("  " + location));
    }
    if (!corrupt.isEmpty()) {
      out.println("CORRUPT " + corrupt.size() + " problem(s) in " + rows[0] + " rows:");
      corrupt.forEach(location -> out.println("  " + location));
    }
    return 1;
  }
}
