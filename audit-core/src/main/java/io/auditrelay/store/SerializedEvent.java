package io.auditrelay.store;

import java.util.Objects;

/**
 * An event as the store receives it: its CADF id and its serialized bytes, exactly as they will be
 * published. Stores treat the payload as opaque and must return it byte for byte.
 *
 * @param id the CADF id, the deduplication key
 * @param payload the serialized event; not copied, callers must not modify it
 */
public record SerializedEvent(String id, byte[] payload) {

  public SerializedEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SerializedEvent that
        && id.equals(that.id)
        && java.util.Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "SerializedEvent[id=" + id + ", " + payload.length + " bytes]";
  }
}
