package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.cadf.CadfJson;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.ForwardingBackingStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery logic with a scripted publisher and a store that can be made to fail: the anchor's
 * failure modes, each reproduced exactly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveryLoopTests {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScriptedPublisher publisher = new ScriptedPublisher();
  private final FlakyStore store =
      new FlakyStore(new MemoryBackingStore(10_000, Clock.systemUTC()));
  private Auditor auditor;

  @AfterEach
  void close() {
    if (auditor != null) {
      auditor.close();
    }
  }

  private Auditor start(DeliveryMode mode, int maxAttempts) {
    return start(store, mode, 10, maxAttempts);
  }

  private Auditor start(BackingStore on, DeliveryMode mode, int batchSize, int maxAttempts) {
    auditor =
        Auditor.builder()
            .queueName("q")
            .publisher(publisher)
            .backingStore(on)
            .deliveryMode(mode)
            .maxAttempts(maxAttempts)
            .batchSize(batchSize)
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(50))
            .meterRegistry(registry)
            .shutdownHook(false)
            .build();
    return auditor;
  }

  private double count(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private List<CompletableFuture<Void>> record(int count) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      futures.add(auditor.record(AuditorIntegrationTests.event(0, i)));
    }
    return futures;
  }

  /** The broker is down; each batch is answered as the broker was when it started. */
  private void brokerDownUntilToldOtherwise() {
    publisher.down = true;
    publisher.script =
        batch ->
            batch.stream()
                .map(
                    e ->
                        publisher.downInThisBatch
                            ? PublishResult.unconfirmed("error")
                            : PublishResult.CONFIRMED)
                .toList();
  }

  private static int n(SerializedEvent event) {
    return Integer.parseInt(
        CadfJson.read(event.payload()).tags().get(1).substring("n?value=".length()));
  }

  @Test
  void resendsOnlyTheUnconfirmedPartOfABatch() {
    // Anchor lesson 7: a partial failure re-sent the whole batch.
    AtomicBoolean rejectedOnce = new AtomicBoolean();
    publisher.script =
        batch ->
            batch.stream()
                .map(
                    e ->
                        n(e) == 5 && batch.size() > 1 && rejectedOnce.compareAndSet(false, true)
                            ? PublishResult.rejected("nack")
                            : PublishResult.CONFIRMED)
                .toList();
    publisher.holdFirstCall();
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    List<CompletableFuture<Void>> futures = record(11); // the first publish is held meanwhile
    publisher.release();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> publisher.published.size() == 11);
    // Event 5 was refused inside a larger batch; only it was sent again (events recorded after it
    // may share its retry batch, queued behind it), and nothing else was sent twice.
    List<List<SerializedEvent>> batches = publisher.batches;
    assertThat(rejectedOnce).isTrue();
    List<Integer> sent = batches.stream().flatMap(List::stream).map(DeliveryLoopTests::n).toList();
    assertThat(sent).hasSize(12);
    assertThat(sent.stream().filter(n -> n == 5)).hasSize(2);
    assertThat(sent.stream().distinct()).hasSize(11);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).doesNotHaveDuplicates();
    assertThat(count("audit.events.lost")).isZero();
  }

  /**
   * An {@code Error} in the delivery thread (here an OutOfMemoryError from the publisher) is
   * reported and the loop goes on. Fails on the code before: the Error ended the thread, the state
   * reported nothing, and no event recorded after it was ever made durable.
   */
  @Test
  void anErrorInTheDeliveryThreadIsReportedAndDeliveryGoesOn() {
    AtomicBoolean failing = new AtomicBoolean(true);
    publisher.script =
        batch -> {
          if (failing.get()) {
            throw new OutOfMemoryError("planted by the test");
          }
          return batch.stream().map(e -> PublishResult.CONFIRMED).toList();
        };
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    List<CompletableFuture<Void>> before = record(5);
    await().atMost(WAIT).until(() -> auditor.state().orElseThrow().deliveryProblem() != null);
    assertThat(auditor.state().orElseThrow().deliveryProblem()).contains("OutOfMemoryError");
    // Not lost meanwhile: what the publisher failed on is stored.
    CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).join();

    failing.set(false);
    List<CompletableFuture<Void>> after = record(5);
    CompletableFuture.allOf(after.toArray(CompletableFuture[]::new)).join();
    await().atMost(WAIT).until(() -> publisher.published.size() == 10);
    await().atMost(WAIT).until(() -> auditor.state().orElseThrow().deliveryProblem() == null);
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void sendsTheNextBatchBeforeThePreviousIsConfirmedAndStoresFailedBatchesInOrder() {
    publisher.deferConfirms = true;
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    List<CompletableFuture<Void>> futures = record(30);

    // Every event sent, none confirmed: batches are in flight together (batch size 10).
    await().atMost(WAIT).until(() -> publisher.deferredEvents.get() == 30);
    assertThat(publisher.deferred).hasSizeGreaterThanOrEqualTo(3);
    assertThat(futures).noneMatch(CompletableFuture::isDone);

    // The channel dies: every batch in flight fails (the publisher's order contract), the last
    // one first, to show that the loop stores them in the order they were sent.
    publisher.deferConfirms = false;
    for (int i = publisher.deferred.size() - 1; i >= 0; i--) {
      publisher.deferred.get(i).forEach(f -> f.complete(PublishResult.unconfirmed("closed")));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> publisher.published.size() == 30);
    assertThat(publisher.published)
        .extracting(DeliveryLoopTests::n)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 30).boxed().toList());
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void aFailedAcknowledgeNeverRepublishesInAHotLoop() {
    // Anchor lesson 6: a failing delete republished the same batch endlessly.
    publisher.script =
        batch ->
            batch.stream()
                .map(
                    e ->
                        publisher.calls.get() == 1
                            ? PublishResult.unconfirmed("closed")
                            : PublishResult.CONFIRMED)
                .toList();
    store.failAcknowledge.set(5);
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    CompletableFuture.allOf(record(3).toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> store.stats().events() == 0);
    // Every confirmed event was published once: the acknowledge was retried, the publish was not.
    assertThat(publisher.published).hasSize(3);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).doesNotHaveDuplicates();
    assertThat(store.acknowledgeCalls.get()).isGreaterThanOrEqualTo(6);
    assertThat(count("audit.store.errors")).isEqualTo(5);
  }

  @Test
  void aPublisherThatThrowsLeavesNoClaimOpen() {
    // Found by the SQL flapping load: an AlreadyClosedException escaped the publisher during a
    // drain, the claim stayed open, its rows stayed locked and the drain stalled for good.
    publisher.script =
        batch -> {
          if (publisher.calls.get() <= 2) {
            throw new IllegalStateException("connection is already closed");
          }
          return batch.stream().map(e -> PublishResult.CONFIRMED).toList();
        };
    start(DeliveryMode.WRITE_AHEAD, 5);
    CompletableFuture.allOf(record(3).toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> store.stats().events() == 0);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).containsExactly(0, 1, 2);
    assertThat(count("audit.publish.failures")).isPositive();
  }

  @Test
  void writeAheadAppendsMoreThanOnePublishBatchPerWrite() throws Exception {
    publisher.holdFirstCall(); // the drain stalls, the hand-off queue fills behind it
    start(DeliveryMode.WRITE_AHEAD, 5);
    List<CompletableFuture<Void>> futures = record(500);
    publisher.release();

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(store.largestAppend.get()).as("events per append").isGreaterThan(10);
    await().atMost(WAIT).until(() -> publisher.published.size() == 500);
  }

  @Test
  void aLargeAppendBatchThatDoesNotFitIsStoredInPublishBatches() throws Exception {
    FlakyStore small = new FlakyStore(new MemoryBackingStore(50, Clock.systemUTC()));
    publisher.holdFirstCall();
    start(small, DeliveryMode.WRITE_AHEAD, 10, 5);
    List<CompletableFuture<Void>> futures = record(500);
    publisher.release();

    // Without the fallback, a held batch larger than the store's capacity would never fit.
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> publisher.published.size() == 500);
    assertThat(count("audit.events.lost")).isZero();
  }

  /**
   * A store smaller than one publish batch takes the events of a failed batch in parts. Fails on
   * the code before: the batch was appended whole or as one publish batch, never fitted, and the
   * store stayed full for ever with the broker back and the store empty.
   */
  @Test
  void aFailedBatchLargerThanTheStoreIsStoredInPartsThatFit() throws Exception {
    FlakyStore small = new FlakyStore(new MemoryBackingStore(50, Clock.systemUTC()));
    AtomicInteger refusals = new AtomicInteger(2);
    publisher.script =
        batch ->
            batch.stream()
                .map(
                    e ->
                        refusals.get() > 0
                            ? PublishResult.unconfirmed("closed")
                            : PublishResult.CONFIRMED)
                .toList();
    publisher.holdFirstCall();
    start(small, DeliveryMode.BUFFER_ON_FAILURE, 100, 5);
    List<CompletableFuture<Void>> futures = record(100);
    publisher.release();
    await().atMost(WAIT).until(() -> publisher.calls.get() >= 2);
    refusals.set(0);

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> publisher.published.size() == 100);
    assertThat(small.largestAppend.get()).isLessThanOrEqualTo(50);
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void aFailingStoreKeepsEventsInMemoryAndRecoversWithoutAnyStickyFlag() {
    // Anchor lessons 1-3: the failed write dropped the event, and a sticky "full" flag blocked
    // forever.
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    store.failAppend.set(3);
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    List<CompletableFuture<Void>> futures = record(4);

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

    assertThat(store.stats().events()).isEqualTo(4);
    assertThat(count("audit.store.errors")).isEqualTo(3);
    assertThat(auditor.state().orElseThrow().storeFailing()).isFalse();
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(WAIT).until(() -> store.stats().events() == 0);
    assertThat(count("audit.events.lost")).isZero();
  }

  /**
   * The memory store's quarantine ends with the process: it is logged and counted lost at close.
   * Fails on the code before: those events vanished without a line or a count.
   */
  @Test
  void quarantinedEventsOfTheMemoryStoreAreCountedLostAtShutdown() {
    MemoryBackingStore memory = new MemoryBackingStore(100, Clock.systemUTC());
    publisher.script =
        batch ->
            batch.stream()
                .map(e -> n(e) == 2 ? PublishResult.rejected("returned") : PublishResult.CONFIRMED)
                .toList();
    start(memory, DeliveryMode.BUFFER_ON_FAILURE, 10, 1);
    CompletableFuture.allOf(record(4).toArray(CompletableFuture[]::new)).join();
    await().atMost(WAIT).until(() -> memory.stats().quarantinedEvents() == 1);
    io.micrometer.core.instrument.Counter lost = registry.find("audit.events.lost").counter();

    try (io.auditrelay.testsupport.LogCapture logs = new io.auditrelay.testsupport.LogCapture()) {
      auditor.close();
      assertThat(lost.count()).isEqualTo(1);
      assertThat(logs.text()).contains("1 quarantined event(s) of the memory store");
    }
    auditor = null;
  }

  /**
   * What a store finds on its own is counted in the Auditor's meters: quarantines by reason, losses
   * in {@code audit.events.lost}. Fails on the code before: a corruption quarantine raised only
   * {@code audit.store.quarantined}, which the documented alert does not watch.
   */
  @Test
  void whatTheStoreFindsOnItsOwnIsCountedInTheAuditorsMeters() {
    java.util.concurrent.atomic.AtomicReference<io.auditrelay.store.StoreObserver> observer =
        new java.util.concurrent.atomic.AtomicReference<>();
    BackingStore observed =
        new ForwardingBackingStore(new MemoryBackingStore(100, Clock.systemUTC())) {
          @Override
          public void observe(io.auditrelay.store.StoreObserver o) {
            observer.set(o);
          }
        };
    start(observed, DeliveryMode.BUFFER_ON_FAILURE, 10, 5);

    observer.get().quarantined("corrupt", 2);
    observer.get().lost(3);
    observer.get().tailCut(100);

    assertThat(registry.get("audit.events.quarantined").tag("reason", "corrupt").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("audit.events.quarantined").tag("reason", "rejected").counter().count())
        .isZero();
    assertThat(count("audit.events.lost")).isEqualTo(3);
    assertThat(count("audit.store.tail.cuts")).isEqualTo(1);
    auditor.close();
    assertThat(observer.get()).isSameAs(io.auditrelay.store.StoreObserver.NONE);
    auditor = null;
  }

  @Test
  void quarantinesOnlyTheEventTheBrokerKeepsRejecting() {
    // Anchor lesson 29: one event the broker never accepts blocked the store forever.
    publisher.script =
        batch ->
            batch.stream()
                .map(
                    e ->
                        n(e) == 2
                            ? PublishResult.rejected("returned")
                            : publisher.downInThisBatch
                                ? PublishResult.unconfirmed("error")
                                : PublishResult.CONFIRMED)
                .toList();
    publisher.down = true;
    start(DeliveryMode.BUFFER_ON_FAILURE, 3);
    CompletableFuture.allOf(record(6).toArray(CompletableFuture[]::new)).join();
    publisher.down = false;

    await().atMost(WAIT).until(() -> store.stats().events() == 0);
    assertThat(store.stats().quarantinedEvents()).isEqualTo(1);
    assertThat(count("audit.events.quarantined")).isEqualTo(1);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).containsExactly(0, 1, 3, 4, 5);
  }

  @Test
  void aBrokerThatRejectsEverythingQuarantinesAtMostOneEventPerRound() {
    publisher.script = batch -> batch.stream().map(e -> PublishResult.rejected("nack")).toList();
    start(DeliveryMode.WRITE_AHEAD, 3);
    CompletableFuture.allOf(record(5).toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> store.stats().quarantinedEvents() >= 1);
    int rounds = publisher.calls.get();
    assertThat(store.stats().quarantinedEvents()).isLessThanOrEqualTo(Math.max(1, rounds / 3));
  }

  @Test
  void noLiveEventOvertakesABufferedOne() {
    brokerDownUntilToldOtherwise();
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    CompletableFuture.allOf(record(20).toArray(CompletableFuture[]::new)).join();
    publisher.down = false;
    List<CompletableFuture<Void>> live = new ArrayList<>();
    for (int i = 20; i < 40; i++) {
      live.add(auditor.record(AuditorIntegrationTests.event(0, i)));
    }
    CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> publisher.published.size() == 40);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).isSorted();
  }

  /**
   * A backlog is being drained and live events arrive: none of them is published before the whole
   * backlog. Unlike {@link #noLiveEventOvertakesABufferedOne}, the broker is up and not in backoff
   * when they arrive, so only the rule "behind the backlog" keeps them back (a mutant that lets
   * live events be published while the store holds a backlog passed that test and fails this one).
   */
  @Test
  void liveEventsArrivingDuringADrainGoBehindTheWholeBacklog() {
    brokerDownUntilToldOtherwise();
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    CompletableFuture.allOf(record(1000).toArray(CompletableFuture[]::new)).join();
    int before = publisher.entered.get();
    publisher.holdFirstCall(); // the drain's first batch waits here
    publisher.down = false;
    await().atMost(WAIT).until(() -> publisher.entered.get() > before);
    List<CompletableFuture<Void>> live = new ArrayList<>();
    for (int i = 1000; i < 1050; i++) {
      live.add(auditor.record(AuditorIntegrationTests.event(0, i)));
    }
    publisher.release();
    CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).join();

    await().atMost(WAIT).until(() -> publisher.published.size() == 1050);
    assertThat(publisher.published).extracting(DeliveryLoopTests::n).isSorted();
  }

  /**
   * {@code close()} delivers what waits in the hand-off queue, not only what the delivery thread
   * holds. Fails with a mutant that stops without draining the queue: the queue was always empty
   * when the other tests closed.
   */
  @Test
  void closeDeliversWhatStillWaitsInTheHandOffQueue() {
    publisher.holdFirstCall();
    start(DeliveryMode.BUFFER_ON_FAILURE, 5);
    List<CompletableFuture<Void>> futures = record(200); // the first batch is held: 190 wait
    io.micrometer.core.instrument.Counter lost = registry.find("audit.events.lost").counter();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(auditor::close);
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !closing.isDone());

    publisher.release();
    closing.join();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedWithValue(null));
    assertThat(publisher.published).hasSize(200);
    assertThat(lost.count()).isZero();
    auditor = null;
  }

  /** Publishes according to {@link #script}; can hold the first call until events are queued. */
  static final class ScriptedPublisher implements Publisher {
    volatile Function<List<SerializedEvent>, List<PublishResult>> script =
        batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    volatile boolean down;

    /** {@link #down} as it was when the current batch started: one broker state per batch. */
    volatile boolean downInThisBatch;

    final AtomicInteger calls = new AtomicInteger();

    /** Calls that entered {@link #send}, held or not. */
    final AtomicInteger entered = new AtomicInteger();

    final List<List<SerializedEvent>> batches = new CopyOnWriteArrayList<>();
    final List<SerializedEvent> published = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    /**
     * While set, batches stay in flight until the test completes their {@link #deferred} results.
     */
    volatile boolean deferConfirms;

    final List<List<CompletableFuture<PublishResult>>> deferred = new CopyOnWriteArrayList<>();
    final AtomicInteger deferredEvents = new AtomicInteger();

    /** Holds the next call to {@link #send} (and any after it) until {@link #release}. */
    void holdFirstCall() {
      gate = new CompletableFuture<>();
    }

    void release() {
      gate.complete(null);
    }

    @Override
    public Sent send(List<SerializedEvent> batch) {
      if (deferConfirms) {
        calls.incrementAndGet();
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        batch.forEach(e -> results.add(new CompletableFuture<>()));
        deferred.add(results);
        deferredEvents.addAndGet(batch.size());
        return new Sent(results, System.nanoTime() + WAIT.toNanos());
      }
      entered.incrementAndGet();
      gate.join(); // completed unless a test holds the publisher
      calls.incrementAndGet();
      downInThisBatch = down;
      batches.add(List.copyOf(batch));
      List<PublishResult> results = script.apply(batch);
      for (int i = 0; i < batch.size(); i++) {
        if (results.get(i).status() == PublishResult.Status.CONFIRMED) {
          published.add(batch.get(i));
        }
      }
      return Sent.settled(results);
    }

    @Override
    public boolean connected() {
      return !down;
    }

    @Override
    public String lastError() {
      return down ? "scripted outage" : "";
    }

    @Override
    public void onConnected(Runnable action) {}

    @Override
    public void close() {}
  }

  /** A store whose append and acknowledge fail a given number of times. */
  static final class FlakyStore extends ForwardingBackingStore {
    final AtomicInteger failAppend = new AtomicInteger();
    final AtomicInteger failAcknowledge = new AtomicInteger();
    final AtomicInteger acknowledgeCalls = new AtomicInteger();
    final AtomicInteger largestAppend = new AtomicInteger();
    final AtomicInteger appendCalls = new AtomicInteger();

    FlakyStore(BackingStore delegate) {
      super(delegate);
    }

    @Override
    public String type() {
      return "flaky";
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public void append(List<SerializedEvent> batch) {
      appendCalls.incrementAndGet();
      if (failAppend.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new BackingStoreException("disk on fire");
      }
      delegate.append(batch);
      largestAppend.accumulateAndGet(batch.size(), Math::max);
    }

    @Override
    public void acknowledge(Claim claim) {
      acknowledgeCalls.incrementAndGet();
      if (failAcknowledge.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new BackingStoreException("read-only file system");
      }
      delegate.acknowledge(claim);
    }

    @Override
    public boolean claimsStayValid() {
      return false;
    }

    @Override
    public void release(Claim claim, String reason) {
      delegate.release(claim);
    }

    @Override
    public boolean isEmpty() {
      return stats().events() == 0;
    }
  }
}
