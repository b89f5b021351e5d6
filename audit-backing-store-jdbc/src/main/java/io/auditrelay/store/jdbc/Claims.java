package io.auditrelay.store.jdbc;

import io.auditrelay.store.Claim;

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

  /** Moves rows to the quarantine table with {@code reason}. */
  void quarantine(Claim claim, String reason);

  /** Gives back what is still claimed. */
  void close();
}
