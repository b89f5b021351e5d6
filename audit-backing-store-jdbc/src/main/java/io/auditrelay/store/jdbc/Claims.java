package io.auditrelay.store.jdbc;

import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import java.util.List;

/**
 * How rows are claimed so that several instances on one table never take the same ones: {@link
 * LockedClaims} ({@code FOR UPDATE SKIP LOCKED}) where the database has it, {@link LeasedClaims}
 * otherwise. The store calls these under one lock, after checking it is open.
 */
interface Claims {

  /** Claims up to {@code limit} of the oldest rows no one else holds. */
  Claim claim(int limit);

  /** Deletes delivered rows; durable when this returns. */
  void acknowledge(Claim claim);

  /**
   * Returns rows to the head with {@code reason}, counting a broker refusal when {@code refused}.
   */
  void release(Claim claim, String reason, boolean refused);

  /**
   * Replaces the payloads of claimed rows, durably, all or nothing; returns the claim as still held
   * (see {@link io.auditrelay.store.TransactionalBackingStore#rewrite}).
   */
  Claim rewrite(Claim claim, List<StoredEvent> rewritten);

  /** Moves rows to the quarantine table with {@code reason}. */
  void quarantine(Claim claim, String reason);

  /** Gives back what is still claimed. */
  void close();
}
