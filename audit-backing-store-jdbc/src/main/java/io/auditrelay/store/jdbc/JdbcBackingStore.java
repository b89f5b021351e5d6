package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreObserver;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.store.TransactionalBackingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The SQL backing store (type {@code sql}): one row per event in a table that several instances may
 * share. Built by {@link JdbcBackingStoreFactory}; the tables and the SQL are described in {@code
 * docs/sql-store.md}.
 *
 * <ul>
 *   <li><strong>Append</strong>: one transaction per batch, JDBC batch inserts; durable at commit.
 *       Appends of one store are serialized, so sequence order is commit order per instance.
 *   <li><strong>Claims</strong>: {@link LockedClaims} ({@code FOR UPDATE SKIP LOCKED}, the rows
 *       locked while they are published) where the database has it, {@link LeasedClaims} otherwise;
 *       either way another instance never takes claimed rows, except after a crash.
 *   <li><strong>Capacity</strong>: {@code max_events}, checked against a maintained estimate
 *       ({@link BacklogEstimate}), never a {@code COUNT(*)} per insert.
 *   <li><strong>Outbox</strong>: {@link #appendInCurrentTransaction} inserts with the connection of
 *       the caller's Spring transaction.
 * </ul>
 *
 * <p>Thread-safe. Every statement has a timeout; a failed call leaves nothing half done.
 */
public final class JdbcBackingStore implements TransactionalBackingStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcBackingStore.class);
  private static final int MAX_ID_LENGTH = 128;

  private final EventTable rows;
  private final Claims claims;
  private final @Nullable AutoCloseable ownPool;
  private final int batchSize;
  private final long maxEvents;
  private final ReentrantLock appendLock = new ReentrantLock();
  private final Object claimLock = new Object();
  private volatile boolean closed;

  JdbcBackingStore(
      EventTable rows,
      boolean skipLocked,
      @Nullable AutoCloseable ownPool,
      int batchSize,
      long maxEvents) {
    this.rows = rows;
    this.claims = skipLocked ? new LockedClaims(rows) : new LeasedClaims(rows);
    this.ownPool = ownPool;
    this.batchSize = batchSize;
    this.maxEvents = maxEvents;
    rows.estimate().refresh(true);
  }

  @Override
  public void observe(StoreObserver observer) {
    rows.observe(observer);
  }

  @Override
  public String type() {
    return JdbcBackingStoreFactory.TYPE;
  }

  /**
   * The timeout of every statement (param {@code statement_timeout_seconds}). A test seam: only the
   * factory's tests read it.
   */
  int statementTimeoutSeconds() {
    return rows.database().timeoutSeconds();
  }

  /**
   * The store's own pool when it was given a {@code url}, else null. A test seam: only the
   * factory's tests read it.
   */
  @Nullable AutoCloseable ownPool() {
    return ownPool;
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
    appendLock.lock();
    try {
      ensureCapacity(batch.size());
      long now = rows.clock().millis();
      rows.estimate().beginChange();
      try {
        rows.database()
            .inTransaction(
                jdbc -> {
                  rows.insert(jdbc, batch, texts, now, batchSize);
                  return null;
                });
        rows.estimate().appended(batch.size(), bytes(batch), Instant.ofEpochMilli(now));
      } catch (DataAccessException e) {
        throw SqlFailures.failure(rows.tableName(), "appending " + batch.size() + " events", e);
      } finally {
        rows.estimate().endChange();
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
    DataSource dataSource = rows.database().application();
    if (TransactionSynchronizationManager.getResource(dataSource) == null) {
      throw new BackingStoreException(
          "sql store: the active transaction does not use the DataSource of the audit table "
              + rows.tableName()
              + ", so the event cannot commit with it; run the transaction on that DataSource"
              + " (the store uses the application's DataSource when its param 'url' is absent),"
              + " or use audit.delivery-mode=write-ahead");
    }
    List<SerializedEvent> one = List.of(event);
    List<String> texts = texts(one);
    ensureCapacity(1);
    long now = rows.clock().millis();
    rows.estimate().beginChange();
    try {
      rows.insert(rows.database().callerJdbc(), one, texts, now, batchSize);
    } catch (DataAccessException e) {
      rows.estimate().endChange();
      throw SqlFailures.failure(
          rows.tableName(), "inserting event " + event.id() + " in the caller's transaction", e);
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            // Rolled back, or an unknown outcome: never reported durable. A row that did commit
            // after all is still delivered, and the next refresh counts it.
            boolean committed = status == STATUS_COMMITTED;
            if (committed) {
              rows.estimate().appended(1, event.payload().length, Instant.ofEpochMilli(now));
            }
            rows.estimate().endChange();
            onCompletion.accept(committed);
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
      return claims.claim(Math.min(max, batchSize));
    }
  }

  @Override
  public Claim rewrite(Claim claim, List<StoredEvent> rewritten) {
    if (rewritten.isEmpty()) {
      return claim;
    }
    synchronized (claimLock) {
      ensureOpen();
      return claims.rewrite(claim, rewritten);
    }
  }

  @Override
  public void acknowledge(Claim claim) {
    if (!claim.isEmpty()) {
      synchronized (claimLock) {
        ensureOpen();
        claims.acknowledge(claim);
      }
    }
  }

  @Override
  public void release(Claim claim) {
    release(claim, "released");
  }

  /** Returns the events to the head, keeping {@code reason} as their last error. */
  @Override
  public void release(Claim claim, String reason) {
    release(claim, reason, false);
  }

  /** Returns the events to the head, counting a refusal in their {@code attempts} column. */
  @Override
  public void reject(Claim claim, String reason) {
    release(claim, reason, true);
  }

  private void release(Claim claim, String reason, boolean refused) {
    if (!claim.isEmpty()) {
      synchronized (claimLock) {
        ensureOpen();
        claims.release(claim, reason, refused);
      }
    }
  }

  @Override
  public List<QuarantinedEvent> quarantined(long after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, not " + limit);
    }
    ensureOpen();
    try {
      return rows.quarantined(after, limit);
    } catch (DataAccessException e) {
      throw SqlFailures.failure(rows.tableName(), "listing the quarantine", e);
    }
  }

  /** Inserts the event again under a new sequence, behind what waits, within the capacity. */
  @Override
  public boolean requeue(long key) {
    ensureOpen();
    appendLock.lock();
    try {
      ensureCapacity(1);
      return rows.requeue(key);
    } catch (DataAccessException e) {
      throw SqlFailures.failure(rows.tableName(), "requeueing quarantined row " + key, e);
    } finally {
      appendLock.unlock();
    }
  }

  @Override
  public boolean deleteQuarantined(long key, String reason) {
    ensureOpen();
    try {
      return rows.deleteQuarantined(key, reason);
    } catch (DataAccessException e) {
      throw SqlFailures.failure(rows.tableName(), "deleting quarantined row " + key, e);
    }
  }

  @Override
  public void quarantine(Claim claim, String reason) {
    if (!claim.isEmpty()) {
      synchronized (claimLock) {
        ensureOpen();
        claims.quarantine(claim, reason);
      }
    }
  }

  @Override
  public StoreStats stats() {
    return closed ? rows.estimate().snapshot() : rows.estimate().stats();
  }

  @Override
  public boolean isEmpty() {
    return closed ? rows.estimate().events() == 0 : rows.estimate().isEmpty();
  }

  @Override
  public void close() {
    synchronized (claimLock) {
      if (closed) {
        return;
      }
      closed = true;
      claims.close();
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
    return "JdbcBackingStore[" + rows.tableName() + "]";
  }

  private void ensureCapacity(int count) {
    if (rows.estimate().events() + count <= maxEvents) {
      return;
    }
    long waiting = rows.estimate().exactEvents();
    if (waiting + count > maxEvents) {
      throw new BackingStoreFullException(
          "sql store table "
              + rows.tableName()
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
      throw new BackingStoreException("sql store on table " + rows.tableName() + " is closed");
    }
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

  private static long bytes(List<SerializedEvent> batch) {
    return batch.stream().mapToLong(e -> e.payload().length).sum();
  }
}
