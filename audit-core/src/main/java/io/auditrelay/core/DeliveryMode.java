package io.auditrelay.core;

/** When an event goes to the backing store. */
public enum DeliveryMode {
  /**
   * Publish first; append to the store only when publishing fails or while a backlog exists (so
   * that no live event overtakes a buffered one). The default.
   */
  BUFFER_ON_FAILURE,
  /**
   * Append every event to the store first (group commit), then publish from the store. An event
   * whose future has completed survives a crash of the process before its publish, as far as the
   * store is durable.
   */
  WRITE_AHEAD,
  /**
   * Outbox: inside a transaction the store can join (the SQL store on the application's {@code
   * DataSource}), {@link Auditor#record} inserts the event with the caller's connection, so it
   * commits or rolls back with the business change; the future completes at commit and is cancelled
   * at rollback. Outside such a transaction it behaves as {@link #WRITE_AHEAD}. Needs a {@link
   * io.auditrelay.store.TransactionalBackingStore}.
   */
  TRANSACTIONAL
}
