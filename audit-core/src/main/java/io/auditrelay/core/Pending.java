package io.auditrelay.core;

import io.auditrelay.store.SerializedEvent;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An accepted event on its way to the broker or the store. A {@code null} event is a wake-up marker
 * for the delivery thread, never delivered.
 */
record Pending(@Nullable SerializedEvent event, CompletableFuture<Void> future) {

  static final Pending WAKE = new Pending(null, new CompletableFuture<>());

  boolean isMarker() {
    return event == null;
  }
}
