package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.auditrelay.core.DeliveryLoopTests.ScriptedPublisher;
import io.auditrelay.store.memory.MemoryBackingStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** What {@link AuditorBuilder#build()} refuses, and how it says so. */
class AuditorBuilderTests {

  private static AuditorBuilder builder(MemoryBackingStore store) {
    return Auditor.builder()
        .queueName("q")
        .publisher(new ScriptedPublisher())
        .backingStore(store)
        .shutdownHook(false);
  }

  /**
   * A store that cannot hold one event of the maximum size fails the build, naming the param. Fails
   * on the code before: the Auditor started, accepted such events and could never store them.
   */
  @Test
  void refusesAStoreThatCannotHoldAnEventOfTheMaximumSize() {
    MemoryBackingStore store = new MemoryBackingStore(10, 1000, Clock.systemUTC());

    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder(store).maxEventSize(1001).build())
        .withMessage(
            "The memory store cannot hold an event of maxEventSize (1001 bytes): its max_bytes"
                + " leaves room for 1000 bytes per event at most; raise max_bytes in the store's"
                + " params, or lower maxEventSize");
  }

  @Test
  void acceptsAStoreThatHoldsExactlyOneEventOfTheMaximumSize() {
    MemoryBackingStore store = new MemoryBackingStore(10, 1000, Clock.systemUTC());
    try (Auditor auditor = builder(store).maxEventSize(1000).build()) {
      assertThat(auditor.state()).isPresent();
    }
  }
}
