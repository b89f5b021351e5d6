package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.Secrets;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.store.TransactionalBackingStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The SQL backing store (type {@code sql}): one row per event in a table that several instances may
 * share. Built by {@link JdbcBackingStoreFactory}.
 *
 * <ul>
 *   <li><strong>Append</strong>: one transaction per batch, JDBC batch inserts; durable at commit.
 *       Appends of one store are serialized, so sequence order is commit order per instance.
 *   <li><strong>Claim</strong>: {@code SELECT ... ORDER BY seq LIMIT n FOR UPDATE SKIP LOCKED} in a
 *       transaction that stays open while the events are published (bounded by the publisher's
 *       confirm timeout and the statement timeout) and ends at the acknowledge: another instance
 *       skips the locked rows, so no row is published twice except after a crash or a lost
 *       connection. A row whose checksum does not match is moved to the quarantine table at once.
 *   <li><strong>Capacity</strong>: {@code max_events}, checked against a maintained estimate (never
 *       a {@code COUNT(*)} per insert).
 *   <li><strong>Outbox</strong>: {@link #appendInCurrentTransaction} inserts with the connection of
 *       the caller's Spring transaction.
 * </ul>
 *
 * <p>Thread-safe. Every statement has a timeout; a failed call leaves nothing half done.
 */
public final class JdbcBackingStore implements TransactionalBackingStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcBackingStore.class);
  private static final int MAX_ID_LENGTH = 128;
  private static final int MAX_ERROR_LENGTH = 200;

  private final DataSource dataSource;
  private final @Nullable AutoCloseable ownPool;
  private final String tableName;
  private final SqlDialect dialect;
  private final SqlStatements sql;
  private final int batchSize;
  private final long maxEvents;
  private final int timeoutSeconds;
  private final Clock clock;
  private final BacklogEstimate estimate;
  private final ReentrantLock appendLock = new ReentrantLock();
  private final Object claimLock = new Object();
  private final Map<Long, OpenClaim> openClaims = new HashMap<>();
  private volatile boolean closed;

  JdbcBackingStore(
      DataSource dataSource,
      @Nullable AutoCloseable ownPool,
      SqlDialect dialect,
      String tableName,
      int batchSize,
      long maxEvents,
      int timeoutSeconds,
      Clock clock) {
    this.dataSource = dataSource;
    this.ownPool = ownPool;
    this.tableName = tableName;
    this.dialect = dialect;
    this.sql = new SqlStatements(dialect, tableName);
    this.batchSize = batchSize;
    this.maxEvents = maxEvents;
    this.timeoutSeconds = timeoutSeconds;
    this.clock = clock;
    this.estimate = new BacklogEstimate(this::queryStats);
    estimate.refresh(true);
  }

  @Override
  public String type() {
    return JdbcBackingStoreFactory.TYPE;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void append(List<SerializedEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    ensureOpen();
    List<String> texts = texts(batch);
    long bytes = serializedBytes(batch);
    appendLock.lock();
    try {
      ensureCapacity(batch.size());
      long now = clock.millis();
      estimate.beginChange();
      boolean done = false;
      try {
        inTransaction(
            connection -> {
              insert(connection, batch, texts, now);
              return null;
            });
        done = true;
      } catch (SQLException e) {
        throw failure("appending " + batch.size() + " events", e);
      } finally {
        if (done) {
          estimate.appended(batch.size(), bytes, Instant.ofEpochMilli(now));
        } else {
          estimate.endChange();
        }
      }
    } finally {
      appendLock.unlock();
    }
  }

  @Override
  public boolean appendInCurrentTransaction(SerializedEvent event, Consumer<Boolean> onCompletion) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()
        || !TransactionSynchronizationManager.isActualTransactionActive()) {
      return false;
    }
    ensureOpen();
    if (TransactionSynchronizationManager.getResource(dataSource) == null) {
      throw new BackingStoreException(
          "sql store: the active transaction does not use the DataSource of the audit table "
              + tableName
              + ", so the event cannot commit with it; run the transaction on that DataSource"
              + " (the store uses the application's DataSource when its param 'url' is absent),"
              + " or use audit.delivery-mode=write-ahead");
    }
    List<SerializedEvent> one = List.of(event);
    List<String> texts = texts(one);
    ensureCapacity(1);
    long now = clock.millis();
    Connection connection = DataSourceUtils.getConnection(dataSource);
    estimate.beginChange();
    try {
      insert(connection, one, texts, now);
    } catch (SQLException e) {
      estimate.endChange();
      throw failure("inserting event " + event.id() + " in the caller's transaction", e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            if (status == STATUS_COMMITTED) {
              estimate.appended(1, event.payload().length, Instant.ofEpochMilli(now));
              onCompletion.accept(true);
            } else {
              // Rolled back, or an unknown outcome: never reported durable. A row that did commit
              // after all is still delivered; the next refresh counts it.
              estimate.endChange();
              onCompletion.accept(false);
            }
          }
        });
    return true;
  }

  @Override
  public Claim claim(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
    synchronized (claimLock) {
      ensureOpen();
      int limit = Math.min(max, batchSize);
      while (true) {
        Connection connection = null;
        try {
          connection = dataSource.getConnection();
          connection.setAutoCommit(false);
          readCommitted(connection);
          List<StoredEvent> claimed = new ArrayList<>();
          Map<StoredEvent, String> corrupt = new LinkedHashMap<>();
          select(connection, limit, claimed, corrupt);
          if (!corrupt.isEmpty()) {
            // Out of the queue at once, in its own transaction; then claim again.
            quarantineCorrupt(connection, corrupt);
            continue;
          }
          if (claimed.isEmpty()) {
            Jdbc.rollbackAndRelease(connection);
            return Claim.empty();
          }
          OpenClaim open = new OpenClaim(connection, claimed);
          claimed.forEach(e -> openClaims.put(e.sequence(), open));
          return new Claim(claimed);
        } catch (SQLException e) {
          if (connection != null) {
            Jdbc.rollbackAndRelease(connection);
          }
          throw failure("claiming events", e);
        }
      }
    }
  }

  private void select(
      Connection connection, int limit, List<StoredEvent> claimed, Map<StoredEvent, String> corrupt)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.claim())) {
      statement.setQueryTimeout(timeoutSeconds);
      statement.setInt(1, limit);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long sequence = rows.getLong(1);
          String id = rows.getString(2);
          String text = rows.getString(3);
          int length = rows.getInt(4);
          long crc = rows.getLong(5);
          byte[] payload = Payloads.bytes(text == null ? "" : text);
          // As the row says, so that the quarantine counts what the backlog counted.
          StoredEvent event = new StoredEvent(sequence, id == null ? "" : id, new byte[length]);
          if (id == null || text == null) {
            corrupt.put(event, "event id or payload is NULL");
          } else if (payload.length != length) {
            corrupt.put(event, "payload is " + payload.length + " bytes, the row says " + length);
          } else if (Payloads.crc(payload) != crc) {
            corrupt.put(event, "payload checksum mismatch (the row was changed)");
          } else {
            claimed.add(new StoredEvent(sequence, id, payload));
          }
        }
      }
    }
  }

  private void quarantineCorrupt(Connection connection, Map<StoredEvent, String> corrupt)
      throws SQLException {
    long now = clock.millis();
    long bytes = storedBytes(List.copyOf(corrupt.keySet()));
    estimate.beginChange();
    boolean done = false;
    try {
      for (Map.Entry<StoredEvent, String> row : corrupt.entrySet()) {
        moveToQuarantine(connection, List.of(row.getKey()), row.getValue(), now);
      }
      connection.commit();
      done = true;
      Jdbc.release(connection);
    } finally {
      if (done) {
        estimate.quarantined(corrupt.size(), bytes);
      } else {
        estimate.endChange();
      }
    }
    log.warn(
        "Quarantined {} unreadable row(s) of audit table {} (sequences {}): {}",
        corrupt.size(),
        tableName,
        sequences(List.copyOf(corrupt.keySet())),
        corrupt.values());
  }

  @Override
  public void acknowledge(Claim claim) {
    if (claim.isEmpty()) {
      return;
    }
    synchronized (claimLock) {
      ensureOpen();
      List<StoredEvent> stale = new ArrayList<>();
      for (Map.Entry<OpenClaim, List<StoredEvent>> part : byTransaction(claim, stale).entrySet()) {
        OpenClaim open = part.getKey();
        List<StoredEvent> events = part.getValue();
        forget(open);
        estimate.beginChange();
        int deleted;
        try {
          deleted = delete(open.connection(), events);
          open.commit();
        } catch (SQLException e) {
          estimate.endChange();
          open.abandon();
          throw failure("acknowledging " + events.size() + " events", e);
        }
        estimate.quarantined(open.quarantinedEvents(), open.quarantinedBytes());
        countRemoved(events, deleted);
      }
      if (!stale.isEmpty()) {
        // Delivered events whose claim transaction ended (an earlier acknowledge failed):
        // delete them now, so they are not published again.
        estimate.beginChange();
        try {
          countRemoved(stale, inTransaction(connection -> delete(connection, stale)));
        } catch (SQLException e) {
          estimate.endChange();
          throw failure("acknowledging " + stale.size() + " events", e);
        }
      }
    }
  }

  @Override
  public void release(Claim claim) {
    release(claim, "released");
  }

  /** Returns the events to the head, counting one attempt and keeping {@code reason}. */
  @Override
  public void release(Claim claim, String reason) {
    if (claim.isEmpty()) {
      return;
    }
    synchronized (claimLock) {
      ensureOpen();
      // Events of an ended claim transaction are back in the queue already.
      for (Map.Entry<OpenClaim, List<StoredEvent>> part :
          byTransaction(claim, new ArrayList<>()).entrySet()) {
        OpenClaim open = part.getKey();
        List<StoredEvent> events = part.getValue();
        try {
          countAttempt(open.connection(), events, reason);
        } catch (SQLException e) {
          // The attempt count is lost; the rows return to the head with the rollback.
          forget(open);
          open.abandon();
          throw failure("releasing " + events.size() + " events", e);
        }
        finishIfResolved(open, events);
      }
    }
  }

  @Override
  public void quarantine(Claim claim, String reason) {
    if (claim.isEmpty()) {
      return;
    }
    synchronized (claimLock) {
      ensureOpen();
      List<StoredEvent> stale = new ArrayList<>();
      for (Map.Entry<OpenClaim, List<StoredEvent>> part : byTransaction(claim, stale).entrySet()) {
        OpenClaim open = part.getKey();
        List<StoredEvent> events = part.getValue();
        try {
          moveToQuarantine(open.connection(), events, truncate(reason, 500), clock.millis());
          open.quarantined(events.size(), storedBytes(events));
        } catch (SQLException e) {
          forget(open);
          open.abandon();
          throw failure("quarantining " + events.size() + " events", e);
        }
        finishIfResolved(open, events);
      }
      if (!stale.isEmpty()) {
        log.debug(
            "Not quarantining {} event(s) of an ended claim in {}: they are back in the queue",
            stale.size(),
            tableName);
      }
    }
  }

  @Override
  public StoreStats stats() {
    return closed ? estimate.snapshot() : estimate.stats();
  }

  @Override
  public boolean isEmpty() {
    return closed ? estimate.events() == 0 : estimate.isEmpty();
  }

  @Override
  public void close() {
    synchronized (claimLock) {
      if (closed) {
        return;
      }
      closed = true;
      new ArrayList<>(new java.util.HashSet<>(openClaims.values())).forEach(OpenClaim::abandon);
      openClaims.clear();
    }
    if (ownPool != null) {
      try {
        ownPool.close();
      } catch (Exception e) {
        log.warn("Closing the connection pool of the audit sql store failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcBackingStore[" + tableName + "]";
  }

  private void insert(
      Connection connection, List<SerializedEvent> batch, List<String> texts, long now)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.insert())) {
      statement.setQueryTimeout(timeoutSeconds);
      for (int i = 0; i < batch.size(); i++) {
        SerializedEvent event = batch.get(i);
        statement.setString(1, event.id());
        statement.setString(2, texts.get(i));
        statement.setInt(3, event.payload().length);
        statement.setLong(4, Payloads.crc(event.payload()));
        statement.setLong(5, now);
        statement.addBatch();
        if ((i + 1) % batchSize == 0 || i == batch.size() - 1) {
          statement.executeBatch();
        }
      }
    }
  }

  private int delete(Connection connection, List<StoredEvent> events) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.delete())) {
      statement.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        statement.setLong(1, event.sequence());
        statement.addBatch();
      }
      int deleted = 0;
      for (int count : statement.executeBatch()) {
        // SUCCESS_NO_INFO (-2): done, count unknown; count it, a refresh corrects a miss.
        deleted += count == PreparedStatement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
      }
      return deleted;
    }
  }

  private void countAttempt(Connection connection, List<StoredEvent> events, String reason)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.countAttempt())) {
      statement.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        statement.setString(1, truncate(reason, MAX_ERROR_LENGTH));
        statement.setLong(2, event.sequence());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Copies rows to the quarantine table and deletes them, in the given transaction. */
  private void moveToQuarantine(
      Connection connection, List<StoredEvent> events, String reason, long now)
      throws SQLException {
    try (PreparedStatement copy = connection.prepareStatement(sql.copyToQuarantine())) {
      copy.setQueryTimeout(timeoutSeconds);
      for (StoredEvent event : events) {
        copy.setString(1, reason);
        copy.setLong(2, now);
        copy.setLong(3, event.sequence());
        copy.addBatch();
      }
      copy.executeBatch();
    }
    delete(connection, events);
  }

  /** Runs {@code work} in a short transaction of its own; rolls back on any failure. */
  private <T> T inTransaction(SqlWork<T> work) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(false);
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
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Claims read committed rows only: under MariaDB's default (repeatable read) a claim would lock
   * the gap at the end of the table and hold back every insert while it publishes.
   */
  private void readCommitted(Connection connection) throws SQLException {
    if (dialect != SqlDialect.H2) {
      try (java.sql.Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(timeoutSeconds);
        statement.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      }
    }
  }

  private StoreStats queryStats() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
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
      long quarantined;
      long quarantinedBytes;
      try (PreparedStatement statement = connection.prepareStatement(sql.quarantineStats())) {
        statement.setQueryTimeout(timeoutSeconds);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          quarantined = rows.getLong(1);
          quarantinedBytes = rows.getLong(2);
        }
      }
      return new StoreStats(
          events,
          bytes,
          hasOldest ? Instant.ofEpochMilli(oldest) : null,
          quarantined,
          quarantinedBytes);
    }
  }

  private void ensureCapacity(int count) {
    if (estimate.events() + count <= maxEvents) {
      return;
    }
    long waiting = estimate.exactEvents();
    if (waiting + count > maxEvents) {
      throw new BackingStoreFullException(
          "sql store table "
              + tableName
              + " is full: "
              + waiting
              + " events wait and max_events is "
              + maxEvents
              + "; "
              + count
              + " more do not fit");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BackingStoreException("sql store on table " + tableName + " is closed");
    }
  }

  /** Groups claimed events by their open transaction; the others go to {@code stale}. */
  private Map<OpenClaim, List<StoredEvent>> byTransaction(Claim claim, List<StoredEvent> stale) {
    Map<OpenClaim, List<StoredEvent>> parts = new LinkedHashMap<>();
    for (StoredEvent event : claim.events()) {
      OpenClaim open = openClaims.get(event.sequence());
      if (open == null) {
        stale.add(event);
      } else {
        parts.computeIfAbsent(open, o -> new ArrayList<>()).add(event);
      }
    }
    return parts;
  }

  private void finishIfResolved(OpenClaim open, List<StoredEvent> events) {
    events.forEach(e -> openClaims.remove(e.sequence()));
    if (!open.resolve(events)) {
      return;
    }
    estimate.beginChange();
    try {
      open.commit();
    } catch (SQLException e) {
      estimate.endChange();
      open.abandon();
      throw failure("ending a claim", e);
    }
    estimate.quarantined(open.quarantinedEvents(), open.quarantinedBytes());
  }

  private void forget(OpenClaim open) {
    open.unresolved().forEach(openClaims::remove);
  }

  private void countRemoved(List<StoredEvent> events, int deleted) {
    if (deleted == events.size()) {
      estimate.removed(deleted, storedBytes(events));
    } else {
      // Some were gone already (acknowledged twice, or by another instance): count exactly later.
      estimate.endChange();
      estimate.refresh(true);
    }
  }

  private static List<Long> sequences(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::sequence).toList();
  }

  private static List<String> texts(List<SerializedEvent> batch) {
    List<String> texts = new ArrayList<>(batch.size());
    for (SerializedEvent event : batch) {
      if (event.id().length() > MAX_ID_LENGTH) {
        throw new IllegalArgumentException(
            "sql store: event id is longer than " + MAX_ID_LENGTH + " characters");
      }
      texts.add(Payloads.text(event.id(), event.payload()));
    }
    return texts;
  }

  private static long serializedBytes(List<SerializedEvent> events) {
    return events.stream().mapToLong(e -> e.payload().length).sum();
  }

  private static long storedBytes(List<StoredEvent> events) {
    return events.stream().mapToLong(e -> e.payload().length).sum();
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  private BackingStoreException failure(String what, SQLException e) {
    return new BackingStoreException(
        "sql store: " + what + " in table " + tableName + " failed: " + describe(e), e);
  }

  /**
   * The driver's message, short: a batch failure names its cause (not the batch, whose text may
   * hold whole events), masked and cut to 300 characters.
   */
  static String describe(SQLException e) {
    SQLException cause =
        e instanceof java.sql.BatchUpdateException && e.getNextException() != null
            ? e.getNextException()
            : e;
    String message = Secrets.maskUrl(String.valueOf(cause.getMessage()));
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return message + " (SQLState " + cause.getSQLState() + ")";
  }
}
