package io.auditrelay.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * A store that can append inside the caller's own transaction (the outbox pattern), used by {@link
 * io.auditrelay.core.DeliveryMode#TRANSACTIONAL}: the event commits or rolls back with the business
 * change it records.
 */
public interface TransactionalBackingStore extends BackingStore {

  /**
   * Appends {@code event} with the connection of the transaction active in the calling thread, if
   * there is one this store can join.
   *
   * <p>Returns {@code false}, having done nothing, when no such transaction is active. Otherwise
   * the event is inserted before this returns, and {@code onCompletion} is called exactly once
   * after the transaction ends: with {@code true} after a commit (the event is then durable and
   * will be claimed), with {@code false} after a rollback (the event never existed).
   *
   * @throws BackingStoreFullException when the store is over capacity; nothing was inserted
   * @throws BackingStoreException when the insert failed; the caller's transaction should roll
   *     back, which it does when the exception leaves the transactional method
   */
  boolean appendInCurrentTransaction(SerializedEvent event, Consumer<Boolean> onCompletion);

  /**
   * Replaces the payloads of claimed events with new bytes of the same events: the integrity stamp
   * the drain gives events inserted with a pending seal ({@link
   * io.auditrelay.integrity.PendingStamp}), which must be stored before they are published so that
   * a republication sends the same bytes.
   *
   * <p>All or nothing: when this returns, every new payload is durable; when it throws, none was
   * written and the claim is as it was.
   *
   * @param claim a claim of this store, not yet acknowledged
   * @param rewritten events of {@code claim} (by sequence and id) with their new payloads
   * @return the claim as this store still holds it, with the new payloads; events that another
   *     instance took over meanwhile are left out (that instance publishes the same new bytes)
   * @throws BackingStoreException when the payloads could not be written
   */
  Claim rewrite(Claim claim, List<StoredEvent> rewritten);
}
