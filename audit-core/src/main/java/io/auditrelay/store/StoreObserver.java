package io.auditrelay.store;

/**
 * Told by a store of what it found wrong on its own, so that the Auditor using it counts it:
 * records it set aside in its quarantine, accepted events it found missing, and torn tails it cut
 * back. The store logs each finding itself (at ERROR, with where it is and the sequence range); the
 * observer only counts. Called from any thread, possibly under the store's lock: implementations
 * must be quick and must not call back into the store.
 */
public interface StoreObserver {

  /** Counts nothing: the observer of a store that no Auditor uses. */
  StoreObserver NONE = new StoreObserver() {};

  /**
   * The store moved {@code events} records to its quarantine on its own.
   *
   * @param reason low-cardinality, for a meter tag: {@code corrupt} (a checksum or format failure
   *     of the medium, or a record out of its place in the sequence)
   */
  default void quarantined(String reason, long events) {}

  /**
   * The store found {@code events} accepted events missing (a range of its sequence that is gone)
   * and will never deliver them.
   */
  default void lost(long events) {}

  /**
   * The store cut back a torn tail when it opened: the end of an append that never returned, or
   * damage to the last record.
   */
  default void tailCut(long bytes) {}
}
