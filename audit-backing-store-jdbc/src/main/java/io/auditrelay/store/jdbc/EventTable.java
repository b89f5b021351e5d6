package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreObserver;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.PreparedStatementCallback;

/**
 * The statements on the event table and its quarantine table that both ways of claiming share, each
 * run with the {@link JdbcOperations} of the transaction it belongs to (a short one, or a claim
 * held open); and the {@link BacklogEstimate}, kept in step with what they change. Thread-safe (the
 * estimate is; the rest holds no state).
 */
final class EventTable {

  private static final Logger log = LoggerFactory.getLogger(EventTable.class);
  private static final int MAX_ERROR_LENGTH = 200;
  private static final int MAX_REASON_LENGTH = 500;

  private final StoreDatabase database;
  private final SqlStatements sql;
  private final String tableName;
  private final Clock clock;
  private final BacklogEstimate estimate;

  private volatile StoreObserver observer = StoreObserver.NONE;

  EventTable(StoreDatabase database, String tableName, Clock clock) {
    this.database = database;
    this.sql = new SqlStatements(database.dialect(), tableName);
    this.tableName = tableName;
    this.clock = clock;
    this.estimate = new BacklogEstimate(this::queryStats);
  }

  String tableName() {
    return tableName;
  }

  Clock clock() {
    return clock;
  }

  StoreDatabase database() {
    return database;
  }

  BacklogEstimate estimate() {
    return estimate;
  }

  /** Inserts {@code events} (with their payload {@code texts}), {@code batchSize} per batch. */
  void insert(
      JdbcOperations jdbc,
      List<SerializedEvent> events,
      List<String> texts,
      long now,
      int batchSize) {
    List<Integer> indexes = java.util.stream.IntStream.range(0, events.size()).boxed().toList();
    jdbc.batchUpdate(
        sql.insert(),
        indexes,
        batchSize,
        (statement, i) -> {
          SerializedEvent event = events.get(i);
          statement.setString(1, event.id());
          statement.setString(2, texts.get(i));
          statement.setInt(3, event.payload().length);
          statement.setLong(4, Payloads.crc(event.payload()));
          statement.setLong(5, now);
        });
  }

  /**
   * The claim bound ({@link SqlStatements#claimBound}); -1 when the table is empty. PostgreSQL
   * needs none: a statement sees one snapshot, so a locking read never takes a row committed after
   * it started.
   */
  long claimBound(JdbcOperations jdbc) {
    if (database.dialect() == SqlDialect.POSTGRESQL) {
      return Long.MAX_VALUE;
    }
    Long bound = jdbc.queryForObject(sql.claimBound(), Long.class);
    return bound == null ? -1 : bound;
  }

  /** Locks and reads up to {@code limit} of the oldest free rows ({@code SKIP LOCKED}). */
  ClaimedRows lockOldest(JdbcOperations jdbc, int limit) {
    ClaimedRows rows = new ClaimedRows();
    jdbc.query(sql.claim(), rows, claimBound(jdbc), limit);
    return rows;
  }

  /** Leases up to {@code limit} of the oldest free rows to {@code owner} and reads them. */
  ClaimedRows leaseOldest(JdbcOperations jdbc, String owner, long leaseMillis, int limit) {
    jdbc.update(sql.lease(), owner, leaseMillis, claimBound(jdbc), limit);
    ClaimedRows rows = new ClaimedRows();
    jdbc.query(sql.leased(), rows, owner);
    return rows;
  }

  /** Deletes rows (of the lease {@code owner}, if given); returns how many. */
  int delete(JdbcOperations jdbc, List<StoredEvent> events, @Nullable String owner) {
    if (database.dialect() == SqlDialect.POSTGRESQL && owner == null) {
      // One statement instead of a batch of one-row statements (the drain benchmark: 0.6 -> 0.8).
      return deleteAny(jdbc, events, sql.deleteAny());
    }
    int deleted = 0;
    for (int count :
        jdbc.batchUpdate(
            sql.delete(owner != null),
            rowsOf(
                events,
                (statement, event) -> {
                  statement.setLong(1, event.sequence());
                  if (owner != null) {
                    statement.setString(2, owner);
                  }
                }))) {
      // SUCCESS_NO_INFO (-2): done, count unknown; counted, a refresh corrects a miss.
      deleted += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
    }
    return deleted;
  }

  /**
   * Deletes the rows of a claim; the caller then ends the claim's transaction with a commit as
   * usual. On PostgreSQL the commit is sent with the delete, in one round trip (the drain
   * benchmark: three round trips per claim become two), and the caller's commit sends nothing; on
   * the other databases the caller's commit is the commit.
   *
   * @return how many rows were deleted
   */
  int deleteAndCommit(JdbcOperations jdbc, List<StoredEvent> events) {
    if (database.dialect() == SqlDialect.POSTGRESQL) {
      return deleteAny(jdbc, events, sql.deleteAnyAndCommit());
    }
    return delete(jdbc, events, null);
  }

  private static int deleteAny(JdbcOperations jdbc, List<StoredEvent> events, String statementSql) {
    Long[] sequences = events.stream().map(StoredEvent::sequence).toArray(Long[]::new);
    Integer deleted =
        jdbc.execute(
            statementSql,
            (PreparedStatementCallback<Integer>)
                statement -> {
                  statement.setArray(
                      1, statement.getConnection().createArrayOf("bigint", sequences));
                  statement.execute(); // the first result is the delete's count
                  return statement.getUpdateCount();
                });
    return deleted == null ? 0 : deleted;
  }

  /**
   * Keeps the reason of a failed attempt, counting a broker refusal when {@code refused} (and ends
   * a lease of {@code owner}).
   */
  void countAttempt(
      JdbcOperations jdbc,
      List<StoredEvent> events,
      String reason,
      boolean refused,
      @Nullable String owner) {
    String error = truncate(reason, MAX_ERROR_LENGTH);
    jdbc.batchUpdate(
        sql.countAttempt(owner != null),
        rowsOf(
            events,
            (statement, event) -> {
              statement.setInt(1, refused ? 1 : 0);
              statement.setString(2, error);
              statement.setLong(3, event.sequence());
              if (owner != null) {
                statement.setString(4, owner);
              }
            }));
  }

  /**
   * Replaces the payloads of rows (of the lease {@code owner}, if given) with those of {@code
   * events}; returns how many rows took them, counting a row the driver does not report as taken.
   */
  int rewrite(JdbcOperations jdbc, List<StoredEvent> events, @Nullable String owner) {
    int written = 0;
    for (int count :
        jdbc.batchUpdate(
            sql.rewrite(owner != null),
            rowsOf(
                events,
                (statement, event) -> {
                  statement.setString(1, Payloads.text(event.id(), event.payload()));
                  statement.setInt(2, event.payload().length);
                  statement.setLong(3, Payloads.crc(event.payload()));
                  statement.setLong(4, event.sequence());
                  if (owner != null) {
                    statement.setString(5, owner);
                  }
                }))) {
      written += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
    }
    return written;
  }

  /** Locks the rows of {@code sequences} that no one else holds; returns their sequences. */
  java.util.Set<Long> relock(JdbcOperations jdbc, java.util.Collection<Long> sequences) {
    java.util.Set<Long> locked = new java.util.HashSet<>();
    jdbc.query(
        sql.relock(sequences.size()),
        statement -> {
          int i = 1;
          for (long sequence : sequences) {
            statement.setLong(i++, sequence);
          }
        },
        (ResultSet row) -> {
          locked.add(row.getLong(1));
        });
    return locked;
  }

  /** A page of the quarantine, oldest first. */
  List<QuarantinedEvent> quarantined(long after, int limit) {
    return database.inTransaction(
        jdbc -> jdbc.query(sql.quarantinePage(), EventTable::quarantined, after, limit));
  }

  /**
   * Inserts a quarantined event again (a new sequence, behind what waits) and deletes it from the
   * quarantine, in one transaction; false when there is no such row.
   */
  boolean requeue(long key) {
    long now = clock.millis();
    QuarantinedEvent requeued =
        takeFromQuarantine(
            key,
            (jdbc, entry) -> {
              if (!entry.requeueable()) {
                throw new BackingStoreException(
                    "quarantined row "
                        + key
                        + " of audit table "
                        + tableName
                        + " is not a whole event ("
                        + entry.reason()
                        + "); it can only be dumped or deleted");
              }
              insert(
                  jdbc,
                  List.of(new SerializedEvent(entry.id(), entry.payload())),
                  List.of(new String(entry.payload(), StandardCharsets.UTF_8)),
                  now,
                  1);
            },
            // Out of the quarantine, back to the waiting events: a quarantine in reverse.
            entry -> estimate.quarantined(-1, -entry.payload().length));
    return requeued != null;
  }

  /** Deletes a quarantined row; false when there is none. */
  boolean deleteQuarantined(long key, String reason) {
    QuarantinedEvent deleted =
        takeFromQuarantine(
            key,
            (jdbc, entry) -> {},
            entry -> estimate.deletedFromQuarantine(1, entry.payload().length));
    if (deleted == null) {
      return false;
    }
    log.warn(
        "Deleted quarantined row {} (event {}) of audit table {}: {}",
        key,
        deleted.id(),
        tableName,
        reason);
    return true;
  }

  /**
   * Locks the quarantined row {@code key}, runs {@code also} with it and deletes it, in one
   * transaction, then counts the change with {@code counted}; null when there is no such row.
   */
  private @Nullable QuarantinedEvent takeFromQuarantine(
      long key,
      java.util.function.BiConsumer<JdbcOperations, QuarantinedEvent> also,
      java.util.function.Consumer<QuarantinedEvent> counted) {
    estimate.beginChange();
    try {
      QuarantinedEvent taken =
          database.inTransaction(
              jdbc -> {
                List<QuarantinedEvent> rows =
                    jdbc.query(sql.quarantinedRow(), EventTable::quarantined, key);
                if (rows.isEmpty()) {
                  return null;
                }
                also.accept(jdbc, rows.get(0));
                jdbc.update(sql.deleteQuarantined(), key);
                return rows.get(0);
              });
      if (taken != null) {
        counted.accept(taken);
      }
      return taken;
    } finally {
      estimate.endChange();
    }
  }

  private static QuarantinedEvent quarantined(ResultSet rows, int row) throws SQLException {
    long at = rows.getLong(5);
    boolean noTime = rows.wasNull();
    String payload = rows.getString(3);
    return new QuarantinedEvent(
        rows.getLong(1),
        rows.getString(2),
        rows.getString(4),
        noTime ? null : Instant.ofEpochMilli(at),
        payload == null ? new byte[0] : Payloads.bytes(payload));
  }

  /** Copies rows to the quarantine table and deletes them, in the given transaction. */
  void moveToQuarantine(
      JdbcOperations jdbc, List<StoredEvent> events, String reason, @Nullable String owner) {
    long now = clock.millis();
    String kept = truncate(reason, MAX_REASON_LENGTH);
    jdbc.batchUpdate(
        sql.copyToQuarantine(owner != null),
        rowsOf(
            events,
            (statement, event) -> {
              statement.setString(1, kept);
              statement.setLong(2, now);
              statement.setLong(3, event.sequence());
              if (owner != null) {
                statement.setString(4, owner);
              }
            }));
    delete(jdbc, events, owner);
  }

  /** Whom to tell of the rows this table quarantines as corrupt. */
  void observe(StoreObserver observer) {
    this.observer = observer;
  }

  /**
   * Moves unreadable rows to quarantine in the transaction of {@code jdbc}, which holds them
   * (locked, or leased by {@code owner}), and runs {@code commit}; logs and counts them.
   */
  void quarantineUnreadable(
      JdbcOperations jdbc,
      Map<StoredEvent, String> corrupt,
      @Nullable String owner,
      Commit commit) {
    estimate.beginChange();
    try {
      for (Map.Entry<StoredEvent, String> row : corrupt.entrySet()) {
        moveToQuarantine(
            jdbc, List.of(row.getKey()), QuarantinedEvent.CORRUPT + row.getValue(), owner);
      }
      try {
        commit.run();
      } catch (SQLException e) {
        throw new UncategorizedSQLException("committing the quarantine", null, e);
      }
      estimate.quarantined(corrupt.size(), bytes(List.copyOf(corrupt.keySet())));
    } finally {
      estimate.endChange();
    }
    observer.quarantined("corrupt", corrupt.size());
    log.error(
        "Quarantined {} unreadable row(s) of audit table {} (sequences {}): {}",
        corrupt.size(),
        tableName,
        corrupt.keySet().stream().map(StoredEvent::sequence).toList(),
        corrupt.values());
  }

  /** A commit (or nothing, inside a template's transaction, which commits after). */
  @FunctionalInterface
  interface Commit {
    void run() throws SQLException;
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

  /** The exact content of both tables, for the {@link BacklogEstimate}. */
  private StoreStats queryStats() {
    JdbcOperations jdbc = database.jdbc();
    StoreStats backlog =
        jdbc.queryForObject(
            sql.backlogStats(),
            (rows, n) -> {
              long oldest = rows.getLong(3);
              Instant at = rows.wasNull() ? null : Instant.ofEpochMilli(oldest);
              return new StoreStats(rows.getLong(1), rows.getLong(2), at, 0, 0);
            });
    return jdbc.queryForObject(
        sql.quarantineStats(),
        (rows, n) ->
            new StoreStats(
                backlog.events(),
                backlog.bytes(),
                backlog.oldestAppendedAt(),
                rows.getLong(1),
                rows.getLong(2)));
  }

  static long bytes(List<StoredEvent> events) {
    return events.stream().mapToLong(e -> e.payload().length).sum();
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  /** Sets the parameters of one event's row. */
  @FunctionalInterface
  private interface RowSetter {
    void set(PreparedStatement statement, StoredEvent event) throws SQLException;
  }

  private static BatchPreparedStatementSetter rowsOf(List<StoredEvent> events, RowSetter setter) {
    return new BatchPreparedStatementSetter() {
      @Override
      public void setValues(PreparedStatement statement, int i) throws SQLException {
        setter.set(statement, events.get(i));
      }

      @Override
      public int getBatchSize() {
        return events.size();
      }
    };
  }
}
