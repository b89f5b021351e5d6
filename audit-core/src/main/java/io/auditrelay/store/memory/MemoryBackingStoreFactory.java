package io.auditrelay.store.memory;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreFactory;
import io.auditrelay.store.StoreParams;
import java.time.Clock;
import java.util.Set;

/**
 * Factory of the {@code memory} store. Params: {@code max_events} (default 10000) and {@code
 * max_bytes} (payload bytes, default 64MiB; a number or a size such as {@code "256MiB"}).
 */
public final class MemoryBackingStoreFactory implements BackingStoreFactory {

  /** Default capacity: about 10 MiB of 1 KiB events. */
  public static final int DEFAULT_MAX_EVENTS = 10_000;

  /** Default byte bound: 64 MiB of payload, which a default heap holds beside the application. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  @Override
  public String type() {
    return MemoryBackingStore.TYPE;
  }

  @Override
  public Set<String> parameters() {
    return Set.of("max_events", "max_bytes");
  }

  @Override
  public BackingStore create(StoreParams params) {
    return new MemoryBackingStore(
        params.positiveInt("max_events", DEFAULT_MAX_EVENTS),
        params.size("max_bytes", DEFAULT_MAX_BYTES),
        Clock.systemUTC());
  }
}
