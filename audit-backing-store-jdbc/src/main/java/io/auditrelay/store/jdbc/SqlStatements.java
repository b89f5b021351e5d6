package io.auditrelay.store.jdbc;

/** The SQL text for one event table and its quarantine table, in one dialect. */
final class SqlStatements {

  private static final String COLUMNS = "seq, event_id, payload, payload_bytes, payload_crc";

  /** What a claim reads: the row, and the broker refusals counted for it. */
  private static final String CLAIM_COLUMNS = COLUMNS + ", attempts";

  /** What a quarantine listing reads. */
  private static final String QUARANTINE_COLUMNS = "seq, event_id, payload, reason, quarantined_at";

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

  String insert() {
    return "INSERT INTO "
        + table
        + " (event_id, payload, payload_bytes, payload_crc, appended_at) VALUES (?, ?, ?, ?, ?)";
  }

  /**
   * The highest committed sequence, read from a snapshot: claims take nothing above it. A locking
   * read (InnoDB) sees each row as it is when it gets there, so without this bound it could skip a
   * row whose insert had not committed yet and take a later one committed meanwhile: out of order.
   * Everything at or below the bound had committed when it was read (one instance commits its
   * appends in sequence order).
   */
  String claimBound() {
    return "SELECT MAX(seq) FROM " + table;
  }

  /**
   * The oldest rows no other transaction holds, up to a bound, locked until this transaction ends.
   * Parameters: bound, most rows.
   */
  String claim() {
    return "SELECT "
        + CLAIM_COLUMNS
        + " FROM "
        + table
        + " WHERE seq <= ? ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
  }

  // One row per statement, run as a JDBC batch: a lookup by primary key touches no row that
  // another instance holds, where an IN list may be run as a scan that waits for such rows and
  // deadlocks (InnoDB locks what it scans). With a lease, each also names the lease owner, so an
  // instance whose lease expired and was taken over changes nothing.

  /**
   * PostgreSQL only, for rows this transaction holds locked: one statement for a whole claim.
   * Parameter: a {@code bigint} array of sequences. PostgreSQL reads {@code = ANY} of a primary key
   * by index and only waits for rows it deletes, which the claim already locked.
   */
  String deleteAny() {
    return "DELETE FROM " + table + " WHERE seq = ANY(?)";
  }

  /**
   * {@link #deleteAny()} and the commit of its transaction in one statement string, which the
   * PostgreSQL driver sends in one round trip; the driver then knows the transaction ended, and
   * {@link java.sql.Connection#commit()} sends nothing.
   */
  String deleteAnyAndCommit() {
    return deleteAny() + "; COMMIT";
  }

  /** Parameters: sequence (, lease owner). */
  String delete(boolean leased) {
    return "DELETE FROM " + table + " WHERE seq = ?" + owner(leased);
  }

  /**
   * Parameters: refusals to add (0 or 1), last error, sequence (, lease owner). A leased row's
   * lease ends.
   */
  String countAttempt(boolean leased) {
    return "UPDATE "
        + table
        + " SET attempts = attempts + ?, last_error = ?"
        + (leased ? ", lease_owner = NULL, lease_until = NULL" : "")
        + " WHERE seq = ?"
        + owner(leased);
  }

  /** Parameters: payload, its bytes, its CRC32C, sequence (, lease owner). */
  String rewrite(boolean leased) {
    return "UPDATE "
        + table
        + " SET payload = ?, payload_bytes = ?, payload_crc = ? WHERE seq = ?"
        + owner(leased);
  }

  /**
   * Locks again, without waiting, rows whose locks a commit ended: those no other instance took
   * meanwhile. Parameters: {@code count} sequences.
   */
  String relock(int count) {
    return "SELECT seq FROM "
        + table
        + " WHERE seq IN ("
        + String.join(", ", java.util.Collections.nCopies(count, "?"))
        + ") FOR UPDATE SKIP LOCKED";
  }

  /** Parameters: reason, quarantine time, sequence (, lease owner). */
  String copyToQuarantine(boolean leased) {
    return "INSERT INTO "
        + quarantine
        + " (seq, event_id, payload, payload_bytes, appended_at, attempts, reason, quarantined_at)"
        + " SELECT seq, event_id, payload, payload_bytes, appended_at, attempts, ?, ? FROM "
        + table
        + " WHERE seq = ?"
        + owner(leased);
  }

  /**
   * Leases the oldest rows whose lease is absent or over, timed by the database's clock (MariaDB
   * and MySQL syntax). Parameters: owner, lease length in milliseconds, bound ({@link
   * #claimBound}), most rows.
   */
  String lease() {
    String now = "ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000)";
    return "UPDATE "
        + table
        + " SET lease_owner = ?, lease_until = "
        + now
        + " + ? WHERE seq <= ? AND (lease_until IS NULL OR lease_until < "
        + now
        + ") ORDER BY seq LIMIT ?";
  }

  /** The rows of one lease. Parameter: owner. */
  String leased() {
    return "SELECT " + CLAIM_COLUMNS + " FROM " + table + " WHERE lease_owner = ? ORDER BY seq";
  }

  private static String owner(boolean leased) {
    return leased ? " AND lease_owner = ?" : "";
  }

  /** A page of the quarantine. Parameters: after this sequence, most rows. */
  String quarantinePage() {
    return "SELECT "
        + QUARANTINE_COLUMNS
        + " FROM "
        + quarantine
        + " WHERE seq > ? ORDER BY seq LIMIT ?";
  }

  /** One quarantined row, locked until the transaction ends. Parameter: sequence. */
  String quarantinedRow() {
    return "SELECT " + QUARANTINE_COLUMNS + " FROM " + quarantine + " WHERE seq = ? FOR UPDATE";
  }

  /** Parameter: sequence. */
  String deleteQuarantined() {
    return "DELETE FROM " + quarantine + " WHERE seq = ?";
  }

  /** Every waiting row in sequence order, read without locks (the operator CLI). */
  String scan() {
    return "SELECT " + COLUMNS + ", appended_at FROM " + table + " ORDER BY seq";
  }

  String backlogStats() {
    return "SELECT COUNT(*), COALESCE(SUM(payload_bytes), 0), MIN(appended_at) FROM " + table;
  }

  String quarantineStats() {
    return "SELECT COUNT(*), COALESCE(SUM(payload_bytes), 0) FROM " + quarantine;
  }

  /** Queries that fail when a table or column the store needs is missing. */
  java.util.List<String> probes(boolean leased) {
    return java.util.List.of(
        "SELECT "
            + COLUMNS
            + ", appended_at, attempts, last_error"
            + (leased ? ", lease_owner, lease_until" : "")
            + " FROM "
            + table
            + " WHERE 1 = 0",
        "SELECT seq, event_id, payload, payload_bytes, appended_at, attempts, reason,"
            + " quarantined_at FROM "
            + quarantine
            + " WHERE 1 = 0");
  }
}
