package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Secrets;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements on event rows that both ways of claiming share: reading claimed rows (and telling
 * the unreadable ones apart), deleting, counting attempts, moving to quarantine, and short
 * transactions. Keeps the {@link BacklogEstimate} in step with what it changes.
 */
final class EventRows {

  private static final Logger log = LoggerFactory.getLogger(EventRows.class);
  private static final int MAX_ERROR_LENGTH = 200;
  private static final int MAX_REASON_LENGTH = 500;

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final SqlStatements sql;
  private final String tableName;
  private final int timeoutSeconds;
  private final Clock clock;
  private final BacklogEstimate estimate;

  EventRows(
      DataSource dataSource,
      SqlDialect dialect,
      String tableName,
      int timeoutSeconds,
      Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.sql = new SqlStatements(dialect, tableName);
    this.tableName = tableName;
    this.timeoutSeconds = timeoutSeconds;
    this.clock = clock;
    this.estimate = new BacklogEstimate(this::queryStats);
  }

  String tableName() {
    return tableName;
  }

  Clock clock() {
    return clock;
  }

  DataSource dataSource() {
    return dataSource;
  }

  SqlStatements sql() {
    return sql;
  }

  BacklogEstimate estimate() {
    return estimate;
  }

  /**
   * A connection whose blocking reads give up after three statement timeouts: a statement the
   * server cancels ends sooner; a database that no longer answers at all is given up on then.
   */
  Connection borrow() throws SQLException {
    return Jdbc.borrow(dataSource, timeoutSeconds * 3_000);
  }

  int timeoutSeconds() {
    return timeoutSeconds;
  }

  /**
   * Reads claimed rows: readable ones to {@code claimed}, the others (payload changed, NULL) to
   * {@code corrupt} with the reason. Columns: seq, event_id, payload, payload_bytes, payload_crc.
   */
  static void read(ResultSet rows, List<StoredEvent> claimed, Map<StoredEvent, String> corrupt)
      throws SQLException {
    while (rows.next()) {
      long sequence = rows.getLong(1);
      String id = rows.getString(2);
      String text = rows.getString(3);
      int length = rows.getInt(4);
      long crc = rows.getLong(5);
      byte[] payload = Payloads.bytes(text == null ? "" : text);
      // As long as the row says, so that the quarantine counts what the backlog counted.
      StoredEvent asCounted = new StoredEvent(sequence, id == null ? "" : id, new byte[length]);
      if (id == null || text == null) {
        corrupt.put(asCounted, "event id or payload is NULL");
      } else if (payload.length != length) {
        corrupt.put(asCounted, "payload is " + payload.length + " bytes, the row says " + length);
      } else if (Payloads.crc(payload) != crc) {
        corrupt.put(asCounted, "payload checksum mismatch (the row was changed)");
      } else {
        claimed.add(new StoredEvent(sequence, id, payload));
      }
    }
  }

  /**
   * The claim bound ({@link SqlStatements#claimBound}); -1 when the table is empty. PostgreSQL
   * needs none: a statement sees one snapshot, so a locking read never takes a row committed after
   * it started.
   */
  long claimBound(Connection connection) throws SQLException {
    if (dialect == SqlDialect.POSTGRESQL) {
      return Long.MAX_VALUE;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.claimBound())) {
      statement.setQueryTimeout(timeoutSeconds);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        long bound = result.getLong(1);
        return result.wasNull() ? -1 : bound;
      }
    }
  }

  /** Deletes rows (of the lease {@code owner}, if given); returns how many. */
  int delete(Connection connection, List<StoredEvent> events, @Nullable String owner)
      throws SQLException {
    if (dialect == SqlDialect.POSTGRESQL && owner == null) {
      // One statement instead of a batch of one-row statements (the drain benchmark: 0.6 -> 0.8).
      return deleteAny(connection, events, sql.deleteAny());
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.delete(owner != null))) {
      statement.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        statement.setLong(1, event.sequence());
        if (owner != null) {
          statement.setString(2, owner);
        }
        statement.addBatch();
      }
      int deleted = 0;
      for (int count : statement.executeBatch()) {
        // SUCCESS_NO_INFO (-2): done, count unknown; counted, a refresh corrects a miss.
        deleted += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
      }
      return deleted;
    }
  }

  /**
   * Deletes the rows of a claim; the caller then ends the claim's transaction with {@link
   * Connection#commit()} as usual. On PostgreSQL the commit is sent with the delete, in one round
   * trip (the drain benchmark: three round trips per claim become two), and the caller's commit
   * sends nothing; on the other databases the caller's commit is the commit.
   *
   * @return how many rows were deleted
   */
  int deleteAndCommit(Connection connection, List<StoredEvent> events) throws SQLException {
    if (dialect == SqlDialect.POSTGRESQL) {
      return deleteAny(connection, events, sql.deleteAnyAndCommit());
    }
    return delete(connection, events, null);
  }

  private int deleteAny(Connection connection, List<StoredEvent> events, String statementSql)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
      statement.setQueryTimeout(timeoutSeconds);
      Long[] sequences = events.stream().map(StoredEvent::sequence).toArray(Long[]::new);
      statement.setArray(1, connection.createArrayOf("bigint", sequences));
      statement.execute(); // the first result is the delete's count
      return statement.getUpdateCount();
    }
  }

  /** Counts a failed attempt and keeps its reason (and ends a lease of {@code owner}). */
  void countAttempt(
      Connection connection, List<StoredEvent> events, String reason, @Nullable String owner)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(sql.countAttempt(owner != null))) {
      statement.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        statement.setString(1, truncate(reason, MAX_ERROR_LENGTH));
        statement.setLong(2, event.sequence());
        if (owner != null) {
          statement.setString(3, owner);
        }
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Copies rows to the quarantine table and deletes them, in the given transaction. */
  void moveToQuarantine(
      Connection connection, List<StoredEvent> events, String reason, @Nullable String owner)
      throws SQLException {
    long now = clock.millis();
    try (PreparedStatement copy =
        connection.prepareStatement(sql.copyToQuarantine(owner != null))) {
      copy.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        copy.setString(1, truncate(reason, MAX_REASON_LENGTH));
        copy.setLong(2, now);
        copy.setLong(3, event.sequence());
        if (owner != null) {
          copy.setString(4, owner);
        }
        copy.addBatch();
      }
      copy.executeBatch();
    }
    delete(connection, events, owner);
  }

  /**
   * Moves unreadable rows to quarantine and commits {@code connection}, which holds them (locked or
   * leased by {@code owner}); logs and counts them.
   */
  void quarantineUnreadable(
      Connection connection, Map<StoredEvent, String> corrupt, @Nullable String owner)
      throws SQLException {
    estimate.beginChange();
    try {
      for (Map.Entry<StoredEvent, String> row : corrupt.entrySet()) {
        moveToQuarantine(connection, List.of(row.getKey()), row.getValue(), owner);
      }
      connection.commit();
      estimate.quarantined(corrupt.size(), bytes(List.copyOf(corrupt.keySet())));
    } finally {
      estimate.endChange();
    }
    log.warn(
        "Quarantined {} unreadable row(s) of audit table {} (sequences {}): {}",
        corrupt.size(),
        tableName,
        corrupt.keySet().stream().map(StoredEvent::sequence).toList(),
        corrupt.values());
  }

  /** The exact content of both tables, for the {@link BacklogEstimate}. */
  private StoreStats queryStats() throws SQLException {
    Connection connection = borrow();
    try {
      long events;
      long bytes;
      long oldest;
      boolean hasOldest;
      try (PreparedStatement statement = connection.prepareStatement(sql.backlogStats())) {
        statement.setQueryTimeout(timeoutSeconds);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          events = rows.getLong(1);
          bytes = rows.getLong(2);
          oldest = rows.getLong(3);
          hasOldest = !rows.wasNull();
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(sql.quarantineStats())) {
        statement.setQueryTimeout(timeoutSeconds);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          return new StoreStats(
              events,
              bytes,
              hasOldest ? Instant.ofEpochMilli(oldest) : null,
              rows.getLong(1),
              rows.getLong(2));
        }
      }
    } finally {
      Jdbc.closeQuietly(connection);
    }
  }

  /** Counts deleted rows in the estimate, inside a change. */
  void countRemoved(List<StoredEvent> events, int deleted) {
    if (deleted == events.size()) {
      estimate.removed(deleted, bytes(events));
    } else {
      // Some were gone already (acknowledged twice, or by another instance): count exactly.
      estimate.refresh(true);
    }
  }

  /**
   * A connection for a claim transaction of its own. On MariaDB and MySQL it reads committed rows
   * only: under their default (repeatable read) a locking read would also lock the gap at the end
   * of the table and hold back every insert while the claim is published. PostgreSQL and H2 read
   * committed by default.
   */
  Connection beginClaim() throws SQLException {
    Connection connection = borrow();
    try {
      connection.setAutoCommit(false);
      if (dialect == SqlDialect.MARIADB || dialect == SqlDialect.MYSQL) {
        try (Statement statement = connection.createStatement()) {
          statement.setQueryTimeout(timeoutSeconds);
          statement.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      Jdbc.rollbackAndRelease(connection);
      throw e;
    }
  }

  /** Runs {@code work} in a short transaction of its own; rolls back on any failure. */
  <T> T inTransaction(SqlWork<T> work) throws SQLException {
    Connection connection = borrow();
    try {
      connection.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      Jdbc.closeQuietly(connection);
      throw e;
    }
    return run(connection, work);
  }

  /** Like {@link #inTransaction}, reading committed rows only (claims). */
  <T> T inClaimTransaction(SqlWork<T> work) throws SQLException {
    return run(beginClaim(), work);
  }

  private static <T> T run(Connection connection, SqlWork<T> work) throws SQLException {
    try {
      T result = work.run(connection);
      connection.commit();
      Jdbc.release(connection);
      return result;
    } catch (SQLException | RuntimeException e) {
      Jdbc.rollbackAndRelease(connection);
      throw e;
    }
  }

  /** Work inside {@link #inTransaction}. */
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** An exception that says what failed on which table, without a secret or an event's text. */
  BackingStoreException failure(String what, SQLException e) {
    return new BackingStoreException(
        "sql store: " + what + " in table " + tableName + " failed: " + describe(e), e);
  }

  /**
   * The driver's message, short: a batch failure names its cause (not the batch, whose text may
   * hold whole events), masked and cut to 300 characters.
   */
  static String describe(SQLException e) {
    SQLException cause =
        e instanceof BatchUpdateException && e.getNextException() != null
            ? e.getNextException()
            : e;
    String message = Secrets.maskUrl(String.valueOf(cause.getMessage()));
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return message + " (SQLState " + cause.getSQLState() + ")";
  }

  static long bytes(List<StoredEvent> events) {
    return events.stream().mapToLong(e -> e.payload().length).sum();
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
