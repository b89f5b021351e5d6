package io.auditrelay.store.jdbc;

/** The SQL text for one event table and its quarantine table, in one dialect. */
final class SqlStatements {

  private static final String COLUMNS = "seq, event_id, payload, payload_bytes, payload_crc";

  private final String table;
  private final String quarantine;

  SqlStatements(SqlDialect dialect, String tableName) {
    this.table = dialect.quote(tableName);
    this.quarantine = dialect.quote(quarantineTable(tableName));
  }

  /** The quarantine table of {@code tableName}. */
  static String quarantineTable(String tableName) {
    return tableName + "_quarantine";
  }

  String quotedTable() {
    return table;
  }

  String quotedQuarantine() {
    return quarantine;
  }

  String insert() {
    return "INSERT INTO "
        + table
        + " (event_id, payload, payload_bytes, payload_crc, appended_at) VALUES (?, ?, ?, ?, ?)";
  }

  /** The oldest rows no other transaction holds, locked until this transaction ends. */
  String claim() {
    return "SELECT " + COLUMNS + " FROM " + table + " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
  }

  // One row per statement, run as a JDBC batch: a lookup by primary key touches no row that
  // another instance holds, where an IN list may be run as a scan that waits for such rows and
  // deadlocks (InnoDB locks what it scans).

  String delete() {
    return "DELETE FROM " + table + " WHERE seq = ?";
  }

  /** Parameters: last error, sequence. */
  String countAttempt() {
    return "UPDATE " + table + " SET attempts = attempts + 1, last_error = ? WHERE seq = ?";
  }

  /** Parameters: reason, quarantine time, sequence. */
  String copyToQuarantine() {
    return "INSERT INTO "
        + quarantine
        + " (seq, event_id, payload, payload_bytes, appended_at, attempts, reason, quarantined_at)"
        + " SELECT seq, event_id, payload, payload_bytes, appended_at, attempts, ?, ? FROM "
        + table
        + " WHERE seq = ?";
  }

  String backlogStats() {
    return "SELECT COUNT(*), COALESCE(SUM(payload_bytes), 0), MIN(appended_at) FROM " + table;
  }

  String quarantineStats() {
    return "SELECT COUNT(*), COALESCE(SUM(payload_bytes), 0) FROM " + quarantine;
  }

  /** Queries that fail when a table or column the store needs is missing. */
  java.util.List<String> probes() {
    return java.util.List.of(
        "SELECT " + COLUMNS + ", appended_at, attempts, last_error FROM " + table + " WHERE 1 = 0",
        "SELECT seq, event_id, payload, payload_bytes, appended_at, attempts, reason,"
            + " quarantined_at FROM "
            + quarantine
            + " WHERE 1 = 0");
  }
}
