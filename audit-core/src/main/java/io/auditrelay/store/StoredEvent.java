package io.auditrelay.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * An event held by a store.
 *
 * @param sequence store-assigned position; strictly increasing in append order, never reused by the
 *     same store, the only source of order (never the clock)
 * @param id the CADF id
 * @param payload the bytes given to {@link BackingStore#append}, unchanged
 */
public record StoredEvent(long sequence, String id, byte[] payload) {

  public StoredEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredEvent that
        && sequence == that.sequence
        && id.equals(that.id)
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence);
  }

  @Override
  public String toString() {
    return "StoredEvent[sequence=" + sequence + ", id=" + id + ", " + payload.length + " bytes]";
  }
}
