package io.auditrelay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link BackingStore}, for every store: extend it, implement the two factory
 * methods, and the suite runs unchanged. Published in the {@code audit-core} test-jar.
 */
public abstract class BackingStoreConformanceTests {

  /** Size in bytes of every event {@link #event(int)} builds. */
  protected static final int EVENT_BYTES = 200;

  private final List<BackingStore> opened = new ArrayList<>();

  /** A new, empty store with room for at least 10000 events of {@link #EVENT_BYTES} bytes. */
  protected abstract BackingStore createStore();

  /** A new, empty store that holds at most {@code events} events of {@link #EVENT_BYTES} bytes. */
  protected abstract BackingStore createStoreHolding(int events);

  protected final BackingStore store() {
    BackingStore store = createStore();
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(BackingStore::close);
  }

  /** An event of exactly {@link #EVENT_BYTES} bytes: JSON with escapes and non-ASCII text. */
  public static SerializedEvent event(int n) {
    String prefix = "{\"n\":" + n + ",\"text\":\"ä \\u0000 \\\"quoted\\\"\",\"pad\":\"";
    int padding = EVENT_BYTES - prefix.getBytes(StandardCharsets.UTF_8).length - 2;
    String json = prefix + "x".repeat(padding) + "\"}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(bytes).hasSize(EVENT_BYTES);
    return new SerializedEvent(UUID.randomUUID().toString(), bytes);
  }

  public static List<SerializedEvent> events(int from, int count) {
    List<SerializedEvent> events = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      events.add(event(i));
    }
    return events;
  }

  @Test
  void claimsInAppendOrderWithIdsAndBytesUnchanged() {
    BackingStore store = store();
    List<SerializedEvent> appended = events(0, 10);
    store.append(appended.subList(0, 4));
    store.append(appended.subList(4, 10));

    Claim claim = store.claim(100);

    assertThat(claim.events())
        .extracting(StoredEvent::id)
        .containsExactlyElementsOf(appended.stream().map(SerializedEvent::id).toList());
    for (int i = 0; i < 10; i++) {
      assertThat(claim.events().get(i).payload()).isEqualTo(appended.get(i).payload());
    }
  }

  @Test
  void assignsStrictlyIncreasingSequences() {
    BackingStore store = store();
    store.append(events(0, 3));
    store.append(events(3, 3));

    List<Long> sequences = store.claim(10).events().stream().map(StoredEvent::sequence).toList();

    assertThat(sequences).hasSize(6).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void claimsAtMostTheRequestedNumber() {
    BackingStore store = store();
    store.append(events(0, 10));

    assertThat(store.claim(3).size()).isEqualTo(3);
    assertThat(store.claim(100).size()).isEqualTo(7);
  }

  @Test
  void givesAnEmptyClaimWhenNothingIsUnclaimed() {
    BackingStore store = store();

    assertThat(store.claim(5).isEmpty()).isTrue();
    store.append(events(0, 2));
    store.claim(5);
    assertThat(store.claim(5).isEmpty()).isTrue();
  }

  @Test
  void refusesANonPositiveClaimSize() {
    BackingStore store = store();

    assertThatThrownBy(() -> store.claim(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void doesNotClaimClaimedEventsAgainUntilReleased() {
    BackingStore store = store();
    store.append(events(0, 4));
    Claim first = store.claim(2);

    Claim second = store.claim(10);

    assertThat(second.events())
        .extracting(StoredEvent::sequence)
        .doesNotContainAnyElementsOf(sequences(first));
    assertThat(second.size()).isEqualTo(2);
  }

  @Test
  void returnsReleasedEventsToTheHeadInSequenceOrder() {
    BackingStore store = store();
    store.append(events(0, 6));
    Claim head = store.claim(3);
    Claim rest = store.claim(3);
    store.release(rest);
    store.release(head);

    Claim again = store.claim(10);

    assertThat(sequences(again))
        .containsExactlyElementsOf(concat(sequences(head), sequences(rest)));
  }

  @Test
  void acknowledgeRemovesEventsAndIsIdempotent() {
    BackingStore store = store();
    store.append(events(0, 5));
    Claim claim = store.claim(3);

    store.acknowledge(claim);
    store.acknowledge(claim);
    store.release(claim);

    assertThat(store.stats().events()).isEqualTo(2);
    assertThat(store.claim(10).size()).isEqualTo(2);
  }

  @Test
  void acknowledgesPartOfAClaimAndReleasesTheRest() {
    BackingStore store = store();
    store.append(events(0, 5));
    Claim claim = store.claim(5);
    List<Long> all = sequences(claim);

    store.acknowledge(claim.subset(List.of(all.get(0), all.get(2), all.get(4))));
    store.release(claim.subset(List.of(all.get(1), all.get(3))));

    assertThat(sequences(store.claim(10))).containsExactly(all.get(1), all.get(3));
  }

  @Test
  void countsEventsAndPayloadBytesIncludingClaimedOnes() {
    BackingStore store = store();
    assertThat(store.stats().events()).isZero();
    assertThat(store.stats().bytes()).isZero();
    assertThat(store.stats().oldestAppendedAt()).isNull();

    store.append(events(0, 5));
    store.claim(2);

    StoreStats stats = store.stats();
    assertThat(stats.events()).isEqualTo(5);
    assertThat(stats.bytes()).isEqualTo(5L * EVENT_BYTES);
    assertThat(stats.oldestAppendedAt()).isNotNull();
    assertThat(stats.oldestAge(stats.oldestAppendedAt().plusSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void isEmptyAgreesWithTheStats() {
    BackingStore store = store();
    assertThat(store.isEmpty()).isTrue();
    store.append(events(0, 2));
    assertThat(store.isEmpty()).isFalse();
    Claim claim = store.claim(2);
    assertThat(store.isEmpty()).as("claimed events still wait").isFalse();
    store.acknowledge(claim);
    assertThat(store.isEmpty()).isTrue();
  }

  @Test
  void statsReturnToZeroWhenEverythingIsAcknowledged() {
    BackingStore store = store();
    store.append(events(0, 3));
    store.acknowledge(store.claim(3));

    StoreStats stats = store.stats();
    assertThat(stats.events()).isZero();
    assertThat(stats.bytes()).isZero();
    assertThat(stats.oldestAppendedAt()).isNull();
  }

  @Test
  void quarantineTakesEventsOutOfTheQueueAndCountsThem() {
    BackingStore store = store();
    store.append(events(0, 3));
    Claim claim = store.claim(3);
    Claim poison = claim.subset(List.of(claim.events().get(0).sequence()));

    store.quarantine(poison, "broker rejected it 5 times (nack)");
    store.release(
        claim.subset(List.of(claim.events().get(1).sequence(), claim.events().get(2).sequence())));

    StoreStats stats = store.stats();
    assertThat(stats.events()).isEqualTo(2);
    assertThat(stats.bytes()).isEqualTo(2L * EVENT_BYTES);
    assertThat(stats.quarantinedEvents()).isEqualTo(1);
    assertThat(stats.quarantinedBytes()).isEqualTo(EVENT_BYTES);
    assertThat(sequences(store.claim(10))).doesNotContain(poison.events().get(0).sequence());
  }

  /** Quarantines events 0, 2 and 4 of five, releases the others; returns the five appended. */
  private static List<SerializedEvent> quarantineEvenOnes(BackingStore store) {
    List<SerializedEvent> appended = events(0, 5);
    store.append(appended);
    Claim claim = store.claim(5);
    for (int i = 0; i < 5; i += 2) {
      store.quarantine(
          claim.subset(List.of(claim.events().get(i).sequence())),
          "broker rejected it (" + i + ")");
    }
    store.release(
        claim.subset(List.of(claim.events().get(1).sequence(), claim.events().get(3).sequence())));
    return appended;
  }

  @Test
  void listsTheQuarantineInPagesOldestFirstWithIdsReasonsAndBytes() {
    BackingStore store = store();
    List<SerializedEvent> appended = quarantineEvenOnes(store);

    List<QuarantinedEvent> first = store.quarantined(0, 2);
    assertThat(first).hasSize(2);
    List<QuarantinedEvent> rest = store.quarantined(first.get(1).key(), 2);
    assertThat(rest).hasSize(1);
    assertThat(store.quarantined(rest.get(0).key(), 2)).isEmpty();

    List<QuarantinedEvent> all = new ArrayList<>(first);
    all.addAll(rest);
    assertThat(all).extracting(QuarantinedEvent::key).isSorted().doesNotHaveDuplicates();
    assertThat(all)
        .extracting(QuarantinedEvent::id)
        .containsExactly(appended.get(0).id(), appended.get(2).id(), appended.get(4).id());
    for (int i = 0; i < 3; i++) {
      assertThat(all.get(i).payload()).isEqualTo(appended.get(2 * i).payload());
      assertThat(all.get(i).reason()).contains("broker rejected it (" + 2 * i + ")");
      assertThat(all.get(i).requeueable()).isTrue();
    }
    assertThatThrownBy(() -> store.quarantined(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requeuePutsAQuarantinedEventBackBehindTheWaitingOnes() {
    BackingStore store = store();
    List<SerializedEvent> appended = quarantineEvenOnes(store);
    long key = store.quarantined(0, 1).get(0).key();

    assertThat(store.requeue(key)).isTrue();

    StoreStats stats = store.stats();
    assertThat(stats.events()).isEqualTo(3);
    assertThat(stats.bytes()).isEqualTo(3L * EVENT_BYTES);
    assertThat(stats.quarantinedEvents()).isEqualTo(2);
    assertThat(stats.quarantinedBytes()).isEqualTo(2L * EVENT_BYTES);
    Claim claim = store.claim(10);
    assertThat(claim.events())
        .extracting(StoredEvent::id)
        .containsExactly(appended.get(1).id(), appended.get(3).id(), appended.get(0).id());
    assertThat(claim.events().get(2).payload()).isEqualTo(appended.get(0).payload());
    assertThat(claim.events().get(2).rejections()).isZero();
    assertThat(store.quarantined(0, 10)).extracting(QuarantinedEvent::key).doesNotContain(key);
    assertThat(store.requeue(key)).as("an entry requeued is gone").isFalse();
  }

  @Test
  void deleteRemovesAQuarantinedEntryForGood() {
    BackingStore store = store();
    quarantineEvenOnes(store);
    long key = store.quarantined(0, 1).get(0).key();

    assertThat(store.deleteQuarantined(key, "operator: duplicate of a delivered event")).isTrue();

    StoreStats stats = store.stats();
    assertThat(stats.quarantinedEvents()).isEqualTo(2);
    assertThat(stats.quarantinedBytes()).isEqualTo(2L * EVENT_BYTES);
    assertThat(stats.events()).isEqualTo(2);
    assertThat(store.quarantined(0, 10))
        .hasSize(2)
        .extracting(QuarantinedEvent::key)
        .doesNotContain(key);
    assertThat(store.deleteQuarantined(key, "again")).isFalse();
    assertThat(store.requeue(key)).isFalse();
  }

  @Test
  void rejectReturnsEventsToTheHeadAndCountsEachRefusal() {
    BackingStore store = store();
    store.append(events(0, 2));
    Claim claim = store.claim(2);
    StoredEvent refused = claim.events().get(0);
    store.reject(claim.subset(List.of(refused.sequence())), "nack");
    store.release(claim.subset(List.of(claim.events().get(1).sequence())), "timeout");

    Claim again = store.claim(2);
    assertThat(again.events()).extracting(StoredEvent::sequence).startsWith(refused.sequence());
    assertThat(again.events().get(0).rejections()).isEqualTo(1);
    assertThat(again.events().get(1).rejections()).as("a release is no refusal").isZero();
    store.reject(again.subset(List.of(refused.sequence())), "returned");
    store.release(again.subset(List.of(again.events().get(1).sequence())));

    assertThat(store.claim(1).events().get(0).rejections()).isEqualTo(2);
  }

  @Test
  void refusesABatchBeyondCapacityWholeAndAcceptsAgainOnceSpaceIsFreed() {
    BackingStore store = createStoreHolding(10);
    opened.add(store);
    store.append(events(0, 8));

    assertThatThrownBy(() -> store.append(events(8, 5)))
        .isInstanceOf(BackingStoreFullException.class);
    assertThat(store.stats().events()).isEqualTo(8);

    store.acknowledge(store.claim(5));
    store.append(events(8, 5));
    assertThat(store.stats().events()).isEqualTo(8);
  }

  @Test
  void keepsExactCountsAndPerProducerOrderUnderConcurrentAppendAndDrain() throws Exception {
    BackingStore store = store();
    int producers = 4;
    int perProducer = 500;
    ExecutorService pool = Executors.newFixedThreadPool(producers + 1);
    AtomicBoolean producing = new AtomicBoolean(true);
    Map<String, int[]> origin = Collections.synchronizedMap(new HashMap<>());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i += 5) {
                    List<SerializedEvent> batch = events(i, 5);
                    for (int k = 0; k < 5; k++) {
                      origin.put(batch.get(k).id(), new int[] {producer, i + k});
                    }
                    store.append(batch);
                  }
                }));
      }
      List<StoredEvent> drained = Collections.synchronizedList(new ArrayList<>());
      Future<?> drainer =
          pool.submit(
              () -> {
                while (producing.get() || store.stats().events() > 0) {
                  Claim claim = store.claim(37);
                  drained.addAll(claim.events());
                  store.acknowledge(claim);
                }
              });
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      producing.set(false);
      drainer.get(60, TimeUnit.SECONDS);

      assertThat(drained).hasSize(producers * perProducer);
      Set<String> ids = new HashSet<>();
      drained.forEach(e -> ids.add(e.id()));
      assertThat(ids).hasSize(producers * perProducer);
      assertThat(drained).extracting(StoredEvent::sequence).isSorted();
      int[] last = new int[producers];
      java.util.Arrays.fill(last, -1);
      for (StoredEvent e : drained) {
        int[] o = origin.get(e.id());
        assertThat(o[1]).as("order of producer %d", o[0]).isGreaterThan(last[o[0]]);
        last[o[0]] = o[1];
      }
      assertThat(store.stats().events()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeIsIdempotent() {
    BackingStore store = createStore();
    store.append(events(0, 1));

    store.close();
    store.close();

    assertThat(store.stats()).isNotNull();
  }

  private static List<Long> sequences(Claim claim) {
    return claim.events().stream().map(StoredEvent::sequence).toList();
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
