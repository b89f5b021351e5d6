package io.auditrelay.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreParams;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBackingStoreTests extends BackingStoreConformanceTests {

  @Override
  protected BackingStore createStore() {
    return new MemoryBackingStore(100_000, Clock.systemUTC());
  }

  @Override
  protected BackingStore createStoreHolding(int events) {
    return new MemoryBackingStore(events, Clock.systemUTC());
  }

  @Test
  void isNotDurable() {
    assertThat(store().durable()).isFalse();
    assertThat(store().type()).isEqualTo("memory");
  }

  @Test
  void countsQuarantinedEventsAgainstCapacityAndKeepsThem() {
    MemoryBackingStore store = new MemoryBackingStore(3, Clock.systemUTC());
    store.append(events(0, 3));
    Claim claim = store.claim(1);
    store.quarantine(claim, "test");

    assertThat(store.quarantined(0, 10)).hasSize(1);
    assertThatThrownBy(() -> store.append(events(3, 1))).hasMessageContaining("max_events=3");
  }

  /**
   * Large events fill the byte bound long before the count. Fails on the code before: the store was
   * bounded by count alone, so 10,000 events of up to 1 MiB could take 10 GiB of heap.
   */
  @Test
  void isBoundedByPayloadBytesAsWellAsByCount() {
    MemoryBackingStore store = new MemoryBackingStore(10_000, 2_500, Clock.systemUTC());
    byte[] kilobyte = new byte[1_000];
    store.append(List.of(new SerializedEvent("a", kilobyte), new SerializedEvent("b", kilobyte)));

    assertThatThrownBy(() -> store.append(List.of(new SerializedEvent("c", kilobyte))))
        .isInstanceOf(BackingStoreFullException.class)
        .hasMessageContaining("max_bytes=2500");
    store.acknowledge(store.claim(1));
    store.append(List.of(new SerializedEvent("c", kilobyte)));
    assertThat(store.stats().bytes()).isEqualTo(2_000);
  }

  @Test
  void takesMaxBytesAsASizeFromItsParams() {
    BackingStore store =
        new MemoryBackingStoreFactory()
            .create(new StoreParams("test", "memory", java.util.Map.of("max_bytes", "1KiB")));
    assertThatThrownBy(() -> store.append(List.of(new SerializedEvent("a", new byte[1_025]))))
        .isInstanceOf(BackingStoreFullException.class)
        .hasMessageContaining("max_bytes=1024");
  }

  @Test
  void refusesWorkAfterClose() {
    BackingStore store = createStore();
    store.close();

    assertThatThrownBy(() -> store.append(List.of(event(1))))
        .isInstanceOf(BackingStoreException.class);
  }
}
