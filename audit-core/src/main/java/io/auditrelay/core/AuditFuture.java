package io.auditrelay.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link Auditor#record} answers: the id the event carries in the trail, and a future that
 * completes when the event is durable.
 *
 * <p>The id is the event's own when the caller set one, else the random UUID {@code record()} gave
 * it; it is fixed before {@code record()} returns and is the deduplication key end to end, so a
 * caller can log it, return it to its client, or look the event up in the trail. {@link #cancel}
 * withdraws the event as {@link Auditor#record} describes.
 *
 * <p>Implementations of {@link Auditor} other than the library's (test doubles) create one with
 * {@link #AuditFuture(String)} or {@link #durable(String)}.
 */
public class AuditFuture extends CompletableFuture<Void> {

  private final String eventId;

  /** An incomplete future for the event {@code eventId}. */
  public AuditFuture(String eventId) {
    this.eventId = Objects.requireNonNull(eventId, "eventId");
  }

  /** A future of the event {@code eventId} that is already durable. */
  public static AuditFuture durable(String eventId) {
    AuditFuture future = new AuditFuture(eventId);
    future.complete(null);
    return future;
  }

  /** The id of the recorded event, as it appears in the trail. */
  public final String eventId() {
    return eventId;
  }

  @Override
  public String toString() {
    return "AuditFuture[" + eventId + ", " + super.toString() + "]";
  }
}
