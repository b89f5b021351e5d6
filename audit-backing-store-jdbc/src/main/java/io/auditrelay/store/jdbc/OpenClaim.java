package io.auditrelay.store.jdbc;

import io.auditrelay.store.StoredEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * The transaction (and its connection, {@link StoreDatabase#beginClaim}) that holds the row locks
 * of one claim (taken with {@code FOR UPDATE SKIP LOCKED}) while its events are published.
 * Quarantine and release work inside it; it commits when the claim is acknowledged or when every
 * event of it has been dealt with, and its locks end with it. Used by one thread at a time, under
 * the store's lock.
 */
final class OpenClaim {

  private final Connection connection;
  private final JdbcOperations jdbc;
  private final Set<Long> unresolved = new HashSet<>();
  private long quarantinedEvents;
  private long quarantinedBytes;

  OpenClaim(Connection connection, JdbcOperations jdbc) {
    this.connection = connection;
    this.jdbc = jdbc;
  }

  /** Statements in this transaction. */
  JdbcOperations jdbc() {
    return jdbc;
  }

  /** The events this transaction holds. */
  void hold(List<StoredEvent> events) {
    events.forEach(e -> unresolved.add(e.sequence()));
  }

  /** Marks events as dealt with; true when none is left. */
  boolean resolve(List<StoredEvent> events) {
    events.forEach(e -> unresolved.remove(e.sequence()));
    return unresolved.isEmpty();
  }

  Set<Long> unresolved() {
    return unresolved;
  }

  /** Quarantined in this transaction: counted once it commits. */
  void quarantined(long events, long bytes) {
    quarantinedEvents += events;
    quarantinedBytes += bytes;
  }

  long quarantinedEvents() {
    return quarantinedEvents;
  }

  long quarantinedBytes() {
    return quarantinedBytes;
  }

  /** Commits and keeps the connection: what follows runs in a new transaction, without locks. */
  void commitAndContinue() throws SQLException {
    connection.commit();
  }

  /** Commits and gives the connection back to its pool. */
  void commit() throws SQLException {
    connection.commit();
    Jdbc.release(connection);
  }

  /** Rolls back (the locks end, the rows return to the head) and gives the connection back. */
  void abandon() {
    Jdbc.rollbackAndRelease(connection);
  }
}
