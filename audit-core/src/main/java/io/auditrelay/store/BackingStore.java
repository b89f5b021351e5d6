package io.auditrelay.store;

import java.util.List;
import java.util.Optional;

/**
 * A FIFO of serialized events that waits for the broker.
 *
 * <p><strong>Thread-safety:</strong> every method may be called from any thread; implementations
 * synchronize internally. The Auditor calls from one delivery thread, metrics and health from
 * others.
 *
 * <p><strong>Order:</strong> events are claimed in the order of their {@link
 * StoredEvent#sequence()}, which follows append order. Released events return to the head.
 *
 * <p><strong>Failure:</strong> methods throw {@link BackingStoreException} when the store cannot do
 * what is asked; nothing is lost by a failed call, and the same call may be retried.
 */
public interface BackingStore extends AutoCloseable {

  /** The type name, as in {@code {"type":"file"}}; a low-cardinality metric tag. */
  String type();

  /**
   * Whether appended events survive the end of this process. A store that is not durable (the
   * memory store) loses its content at exit; the Auditor drains it before closing.
   */
  boolean durable();

  /**
   * Appends a batch, all or nothing, in list order.
   *
   * <p>When this returns, every event of the batch is durable under the store's durability policy
   * (for example after an fsync or a commit) and will be returned by a later {@link #claim}.
   *
   * @throws BackingStoreFullException when the batch does not fit; nothing was appended
   * @throws BackingStoreException when the store failed; nothing may be assumed appended
   */
  void append(List<SerializedEvent> batch);

  /**
   * Claims up to {@code max} of the oldest unclaimed events. Returns an empty claim when there are
   * none. Claimed events are not returned again until released.
   *
   * @throws IllegalArgumentException when {@code max < 1}
   */
  Claim claim(int max);

  /**
   * Whether a claim stays valid until it is acknowledged or released, whatever happens to other
   * claims or connections, so the drain may claim and send the next events while an earlier claim
   * is still being published. False (the default) when a claim can end on its own, like a SQL claim
   * whose row locks go with its connection: claiming again while such a claim is in flight could
   * return its events a second time and publish them twice; the drain then settles each claim
   * before it claims the next.
   */
  default boolean claimsStayValid() {
    return false;
  }

  /**
   * Removes delivered events. Idempotent: events already removed, or never claimed, are ignored.
   * Removal is durable under the store's policy when this returns.
   */
  void acknowledge(Claim claim);

  /** Returns claimed events to the head of the queue, to be claimed again in sequence order. */
  void release(Claim claim);

  /**
   * Like {@link #release(Claim)}, telling the store why delivery failed, so that a store which
   * keeps attempts and the last error per event can record them. The default ignores the reason.
   *
   * @param reason a short, low-cardinality reason such as {@code timeout}; never contains a secret
   */
  default void release(Claim claim, String reason) {
    release(claim);
  }

  /**
   * Moves claimed events that cannot be delivered out of the queue into the store's quarantine:
   * kept (never silently deleted), counted in {@link #stats()}, never claimed again.
   *
   * @param reason why, for operators; never contains a secret
   */
  void quarantine(Claim claim, String reason);

  /**
   * Returns claimed events to the head like {@link #release(Claim, String)}, counting one broker
   * refusal (a nack or a return) for each. A durable store keeps the count durably and reports it
   * in {@link StoredEvent#rejections()} when the event is claimed again, so that the attempts
   * toward {@code audit.drain.max-attempts} survive a restart; the default releases and keeps no
   * count (the Auditor then counts in memory).
   *
   * @param reason a short, low-cardinality reason such as {@code nack}; never contains a secret
   */
  default void reject(Claim claim, String reason) {
    release(claim, reason);
  }

  /**
   * A page of the quarantine, oldest first: at most {@code limit} entries whose key is greater than
   * {@code after} (0 for the first page).
   *
   * @throws IllegalArgumentException when {@code limit < 1}
   * @throws UnsupportedOperationException when the store cannot list its quarantine (the default)
   */
  default List<QuarantinedEvent> quarantined(long after, int limit) {
    throw unsupported("list its quarantine");
  }

  /**
   * Puts a quarantined event back in the queue, behind the events waiting now, its refusals
   * forgotten; it leaves the quarantine in the same step, so it is never in both.
   *
   * @return false when the quarantine holds no entry with this key
   * @throws BackingStoreException when the entry is not a whole event ({@link
   *     QuarantinedEvent#requeueable()} is false): it can only be dumped or deleted
   * @throws BackingStoreFullException when the queue has no room for it; nothing changed
   * @throws UnsupportedOperationException when the store cannot (the default)
   */
  default boolean requeue(long key) {
    throw unsupported("requeue");
  }

  /**
   * Deletes a quarantined entry for good. The store logs the deletion with {@code reason}; the
   * caller records who asked (the Actuator endpoint records a CADF event).
   *
   * @return false when the quarantine holds no entry with this key
   * @throws UnsupportedOperationException when the store cannot (the default)
   */
  default boolean deleteQuarantined(long key, String reason) {
    throw unsupported("delete from its quarantine");
  }

  private UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        "the " + type() + " store cannot " + what + "; use a store that can (memory, file, sql)");
  }

  /** Current content. Cheap (no scan of the backlog) and callable at any time, even after close. */
  StoreStats stats();

  /**
   * Whether no event waits for delivery (claimed ones count as waiting). Called by the delivery
   * thread on every step: override it when {@link #stats()} does any I/O.
   */
  default boolean isEmpty() {
    return stats().events() == 0;
  }

  /**
   * Tells the store whom to tell of what it finds wrong on its own (corrupt records it quarantines,
   * ranges of its sequence it finds missing, a torn tail cut at open). The Auditor calls it once
   * when it starts, and with {@link StoreObserver#NONE} when it closes; a store reports what it
   * found before (at open) on this call. The default ignores it: a store that finds nothing on its
   * own.
   */
  default void observe(StoreObserver observer) {}

  /**
   * The largest serialized event this store can ever hold, and the param that bounds it; empty (the
   * default) when only the medium bounds it. An Auditor refuses to start on a store that cannot
   * hold an event of its {@code maxEventSize}, so that no accepted event is too large for the
   * store.
   */
  default Optional<EventLimit> largestEvent() {
    return Optional.empty();
  }

  /**
   * A bound on the size of one event.
   *
   * @param bytes the largest serialized event, in bytes; not negative
   * @param param the store param that sets it, for the message that tells how to raise it
   */
  record EventLimit(long bytes, String param) {}

  /** Flushes what the durability policy requires and releases resources. Idempotent. */
  @Override
  void close();
}
