package io.auditrelay.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
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

    assertThat(store.quarantined()).hasSize(1);
    assertThatThrownBy(() -> store.append(events(3, 1))).hasMessageContaining("max_events=3");
  }

  @Test
  void refusesWorkAfterClose() {
    BackingStore store = createStore();
    store.close();

    assertThatThrownBy(() -> store.append(List.of(event(1))))
        .isInstanceOf(BackingStoreException.class);
  }
}
