package io.auditrelay.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An entry of a store's quarantine: what was set aside, and why.
 *
 * @param key the entry's key in its store, increasing in the order entries were set aside; what
 *     {@link BackingStore#requeue} and {@link BackingStore#deleteQuarantined} take
 * @param id the CADF id of the event; null when what was set aside is not a whole event (a record
 *     found corrupt)
 * @param reason why it was set aside; never contains a secret
 * @param quarantinedAt when it was set aside; null when the store does not know
 * @param payload the bytes kept, the event's payload for a whole event; empty when the quarantine
 *     was too full to keep them
 */
public record QuarantinedEvent(
    long key, @Nullable String id, String reason, @Nullable Instant quarantinedAt, byte[] payload) {

  public QuarantinedEvent {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(payload, "payload");
  }

  /** The start of the reason of a record a store found damaged. */
  public static final String CORRUPT = "corrupt: ";

  /** The start of the reason of an event whose integrity stamp the drain found broken. */
  public static final String TAMPERED = "tampered: ";

  /**
   * Whether {@link BackingStore#requeue} can put it back: a whole event with its bytes, neither
   * found damaged nor tampered with (those would only come back to the quarantine).
   */
  public boolean requeueable() {
    return id != null
        && payload.length > 0
        && !reason.startsWith(CORRUPT)
        && !reason.contains(TAMPERED);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof QuarantinedEvent that
        && key == that.key
        && Objects.equals(id, that.id)
        && reason.equals(that.reason)
        && Objects.equals(quarantinedAt, that.quarantinedAt)
        && java.util.Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, id, reason, quarantinedAt, java.util.Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "QuarantinedEvent[key="
        + key
        + ", id="
        + id
        + ", reason="
        + reason
        + ", quarantinedAt="
        + quarantinedAt
        + ", "
        + payload.length
        + " bytes]";
  }
}
