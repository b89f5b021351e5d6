package io.auditrelay.store;

import java.util.Objects;

/**
 * An event held by a store: the event as it was appended, and its place in the store.
 *
 * @param sequence store-assigned position; strictly increasing in append order, never reused by the
 *     same store, the only source of order (never the clock)
 * @param event the event given to {@link BackingStore#append}, its payload byte for byte; the drain
 *     publishes it as it is
 * @param rejections broker refusals the store has counted for it ({@link BackingStore#reject}); 0
 *     from a store that keeps no count. Not part of equality.
 */
public record StoredEvent(long sequence, SerializedEvent event, int rejections) {

  public StoredEvent {
    Objects.requireNonNull(event, "event");
    if (rejections < 0) {
      throw new IllegalArgumentException("rejections must not be negative, not " + rejections);
    }
  }

  /** An event with no refusals counted. */
  public StoredEvent(long sequence, SerializedEvent event) {
    this(sequence, event, 0);
  }

  /** An event read back from a store: its sequence, CADF id and payload. */
  public StoredEvent(long sequence, String id, byte[] payload) {
    this(sequence, new SerializedEvent(id, payload));
  }

  /** The CADF id. */
  public String id() {
    return event.id();
  }

  /** The payload, unchanged since {@link BackingStore#append}; callers must not modify it. */
  public byte[] payload() {
    return event.payload();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredEvent that
        && sequence == that.sequence
        && event.equals(that.event);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence);
  }

  @Override
  public String toString() {
    return "StoredEvent[sequence="
        + sequence
        + ", id="
        + id()
        + ", "
        + payload().length
        + " bytes]";
  }
}
