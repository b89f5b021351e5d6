package io.auditrelay.core;

import io.auditrelay.store.SerializedEvent;
import java.util.ArrayList;
import java.util.List;

/** An accepted event on its way to the broker or the store, and the future its caller holds. */
record Pending(SerializedEvent event, DeliveryFuture future) {

  /** The events of {@code pending}, in order. */
  static List<SerializedEvent> events(List<Pending> pending) {
    List<SerializedEvent> events = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      events.add(p.event());
    }
    return events;
  }
}
