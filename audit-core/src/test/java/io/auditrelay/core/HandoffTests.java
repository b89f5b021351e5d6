package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.store.SerializedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class HandoffTests {

  private static Pending pending(String id) {
    return new Pending(
        new SerializedEvent(id, "{}".getBytes(StandardCharsets.UTF_8)),
        new DeliveryFuture(id, f -> {}));
  }

  /** A wake-up never takes a caller's slot: the signal is not a marker in the data queue. */
  @Test
  void aSignalTakesNoRoomInTheQueue() throws InterruptedException {
    Handoff handoff = new Handoff(1);
    handoff.signal();
    assertThat(handoff.offer(pending("a"))).isTrue();
    assertThat(handoff.size()).isEqualTo(1);
    assertThat(handoff.poll(0).event().id()).isEqualTo("a");
    assertThat(handoff.isEmpty()).isTrue();
  }

  @Test
  void aSignalEndsAPollWithNothingToTake() throws InterruptedException {
    Handoff handoff = new Handoff(4);
    handoff.signal();
    long start = System.nanoTime();
    assertThat(handoff.poll(TimeUnit.SECONDS.toNanos(30))).isNull();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void anEventEndsAPollAtOnce() throws Exception {
    Handoff handoff = new Handoff(4);
    CompletableFuture<Pending> polled = new CompletableFuture<>();
    Thread consumer =
        new Thread(
            () -> {
              try {
                polled.complete(handoff.poll(TimeUnit.SECONDS.toNanos(60)));
              } catch (InterruptedException e) {
                polled.completeExceptionally(e);
              }
            });
    consumer.start();
    Awaitility.await().until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
    assertThat(handoff.offer(pending("b"))).isTrue();
    assertThat(polled.get(10, TimeUnit.SECONDS).event().id()).isEqualTo("b");
  }

  @Test
  void anEventDoesNotEndAPauseButASignalDoes() throws Exception {
    Handoff handoff = new Handoff(4);
    CompletableFuture<Void> paused = new CompletableFuture<>();
    Thread consumer =
        new Thread(
            () -> {
              try {
                handoff.pause(TimeUnit.SECONDS.toNanos(60));
                paused.complete(null);
              } catch (InterruptedException e) {
                paused.completeExceptionally(e);
              }
            });
    consumer.start();
    Awaitility.await().until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
    assertThat(handoff.offer(pending("c"))).isTrue();
    assertThat(consumer.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    assertThat(paused).isNotDone();
    handoff.signal();
    paused.get(10, TimeUnit.SECONDS);
    List<Pending> left = new ArrayList<>();
    handoff.drainTo(left);
    assertThat(left).extracting(p -> p.event().id()).containsExactly("c");
  }
}
