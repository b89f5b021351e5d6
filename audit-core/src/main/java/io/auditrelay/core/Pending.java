package io.auditrelay.core;

import io.auditrelay.store.SerializedEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * An accepted event on its way to the broker or the store, and the future its caller holds. With
 * integrity, {@link #slot} is where its stamp waits to be filled in by the delivery thread, in
 * {@link #cadf}; the delivery thread alone reads and writes {@link #stamped} and replaces the event
 * of an oslo envelope once its stamp is filled in.
 */
final class Pending {

  private SerializedEvent event;
  private final DeliveryFuture future;
  private final byte[] cadf;
  private final int slot;
  private boolean stamped;

  /** An event without integrity. */
  Pending(SerializedEvent event, DeliveryFuture future) {
    this(event, future, -1);
  }

  /** An event whose stamp lies at {@code slot} of its payload (see {@link Stamper}). */
  Pending(SerializedEvent event, DeliveryFuture future, int slot) {
    this(event, future, event.payload(), slot);
  }

  /**
   * An event whose stamp lies at {@code slot} of {@code cadf}, the CADF bytes inside its payload
   * (its oslo envelope; the payload itself in the CADF format).
   */
  Pending(SerializedEvent event, DeliveryFuture future, byte[] cadf, int slot) {
    this.event = event;
    this.future = future;
    this.cadf = cadf;
    this.slot = slot;
  }

  SerializedEvent event() {
    return event;
  }

  /** The event with its payload in a new envelope, once its stamp is filled in. */
  void event(SerializedEvent event) {
    this.event = event;
  }

  /** The CADF bytes the stamp is written into: the payload, or the event inside its envelope. */
  byte[] cadf() {
    return cadf;
  }

  DeliveryFuture future() {
    return future;
  }

  int slot() {
    return slot;
  }

  boolean stamped() {
    return stamped;
  }

  void stamped(boolean stamped) {
    this.stamped = stamped;
  }

  /** The events of {@code pending}, in order. */
  static List<SerializedEvent> events(List<Pending> pending) {
    List<SerializedEvent> events = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      events.add(p.event());
    }
    return events;
  }
}
