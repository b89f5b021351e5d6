package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfJson;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.ChildJvm;
import io.auditrelay.testsupport.CrashSelection;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.verify.StreamReport;
import io.auditrelay.verify.TrailMessage;
import io.auditrelay.verify.TrailReport;
import io.auditrelay.verify.TrailVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash oracle for the file store: a child JVM appends from several threads and prints {@code
 * ACK <id>} after each append returned; it is killed with SIGKILL at a random moment, the store is
 * reopened, and every acknowledged event must be there, byte for byte, once, in each producer's
 * order. The number of kills per policy is {@code -Daudit.crash.iterations} (default 3 in {@code
 * verify}); the seed of each run is printed so that a failure can be replayed.
 */
class FileStoreCrashTests {

  private static final int ITERATIONS = Integer.getInteger("audit.crash.iterations", 3);

  /**
   * Halts the child at a named point inside the store, while a drainer acknowledges every other
   * event (so the position file is rewritten all the time): every event whose append returned is
   * there after reopening, and no acknowledged one comes back... except that acknowledging is
   * at-least-once too: an event may come back when the crash hit before its position was renamed.
   */
  @ParameterizedTest(name = "{0}, preallocate={1}")
  @org.junit.jupiter.params.provider.MethodSource("namedPoints")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void keepsEveryAcknowledgedEventWhenTheProcessDiesAtANamedPoint(String point, boolean preallocate)
      throws Exception {
    Path dir = Files.createTempDirectory("audit-crash-point").resolve("store");
    int after = 50 + new SplittableRandom(System.nanoTime()).nextInt(200);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> drained = ConcurrentHashMap.newKeySet();
    Process child =
        ChildJvm.start(
            List.of(
                "-Daudit.file-store.crash-point=" + point,
                "-Daudit.file-store.crash-after=" + after,
                "-Daudit.file-store.preallocate=" + preallocate,
                "-Daudit.crash.drain=true"),
            CrashChild.class.getName(),
            dir.toString(),
            FsyncPolicy.ALWAYS.name(),
            "4",
            "1");
    ChildJvm.readProtocol(child, acked::add, drained::add).join(60_000);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("halted at %s after %d hits", point, after).isEqualTo(137);

    try (FileBackingStore store = TestFileStores.open(dir, FsyncPolicy.ALWAYS, preallocate)) {
      Set<String> recovered = new HashSet<>();
      Claim claim;
      while (!(claim = store.claim(1000)).isEmpty()) {
        for (StoredEvent event : claim.events()) {
          assertThat(recovered.add(event.id())).as("no duplicate of %s", event.id()).isTrue();
        }
        store.acknowledge(claim);
      }
      Set<String> missing = new HashSet<>(acked);
      missing.removeAll(recovered);
      missing.removeAll(drained);
      assertThat(missing).as("acknowledged appends lost at %s", point).isEmpty();
      System.out.printf(
          "[audit-crash] point=%s preallocate=%s after=%d acked=%d drained=%d recovered=%d%n",
          point, preallocate, after, acked.size(), drained.size(), recovered.size());
    }
  }

  static Stream<Arguments> namedPoints() {
    return Stream.of(
            CrashPoints.Point.BEFORE_WRITE.name(),
            CrashPoints.Point.MID_WRITE.name(),
            CrashPoints.Point.AFTER_WRITE_BEFORE_FSYNC.name(),
            CrashPoints.Point.AFTER_FSYNC_BEFORE_RETURN.name(),
            CrashPoints.Point.BEFORE_POSITION_RENAME.name())
        .flatMap(point -> Stream.of(Arguments.of(point, false), Arguments.of(point, true)));
  }

  /**
   * The pipeline's own point: the child's Auditor halts between the broker's confirm and the
   * store's acknowledge. After a restart on the same directory every event whose future completed
   * reaches the queue; the confirmed but unacknowledged batch comes again (at-least-once, same id).
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void anAuditorHaltedBetweenConfirmAndAcknowledgeLosesNothing() throws Exception {
    AmqpBroker broker = RealServers.rabbitmq();
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-file-crash-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("audit-crash-ack").resolve("store");
    int after = 3 + new SplittableRandom(System.nanoTime()).nextInt(10);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    try (QueueReader reader = new QueueReader(broker, queue).declare()) {
      Process child =
          ChildJvm.start(
              List.of(
                  "-Daudit.file-store.crash-point=" + CrashPoints.Point.BEFORE_ACKNOWLEDGE.name(),
                  "-Daudit.file-store.crash-after=" + after),
              childArguments(dir, broker, queue, DeliveryMode.WRITE_AHEAD, false));
      ChildJvm.readProtocol(child, n -> acked.add(Integer.parseInt(n)), n -> {}).join(60_000);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as("halted before acknowledge #%d", after).isEqualTo(137);
      int beforeRestart = reader.poll().size();

      try (Auditor restarted =
          AuditorCrashChild.auditor(dir, broker.uri(), queue, DeliveryMode.WRITE_AHEAD)) {
        Awaitility.await()
            .atMost(60, TimeUnit.SECONDS)
            .until(() -> restarted.state().orElseThrow().store().events() == 0);
      }
      List<Integer> delivered =
          reader.poll().stream()
              .filter(d -> TrailMessage.read(d.body()).checkpoint() == null)
              .map(d -> CadfJson.read(d.body()).tags().get(0))
              .map(tag -> Integer.parseInt(tag.substring("n?value=".length())))
              .toList();
      assertThat(new HashSet<>(delivered)).containsAll(acked);
      long duplicates = delivered.size() - new HashSet<>(delivered).size();
      assertThat(duplicates).as("the confirmed, unacknowledged batch comes again").isPositive();
      System.out.printf(
          "[audit-crash] point=%s after=%d acked=%d delivered-before-restart=%d delivered=%d"
              + " duplicates=%d%n",
          CrashPoints.Point.BEFORE_ACKNOWLEDGE.name(),
          after,
          acked.size(),
          beforeRestart,
          delivered.size(),
          duplicates);
      reader.delete();
    }
  }

  /**
   * The crash oracle through the Auditor, per delivery mode and fsync policy, with the broker
   * flapping (a proxy in the child cut and restored every few hundred milliseconds), so that events
   * are confirmed live or stored and drained at random; SIGKILL at a random moment. Every event
   * whose future completed reaches the queue after a restart on the same directory, each producer's
   * events in order of first delivery. {@code -Daudit.crash.iterations=N} kills per combination
   * (default 1 in {@code verify}).
   */
  @ParameterizedTest(name = "{0}, fsync={1}")
  @org.junit.jupiter.params.provider.MethodSource("modesAndPolicies")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void losesNothingAcrossSigkillThroughTheAuditorWhileTheBrokerFlaps(
      DeliveryMode mode, FsyncPolicy policy) throws Exception {
    AmqpBroker broker = RealServers.rabbitmq();
    RealServers.report(getClass().getSimpleName(), broker.describe());
    long baseSeed = Long.getLong("audit.crash.seed", System.nanoTime());
    for (int iteration = 0;
        iteration < Integer.getInteger("audit.crash.iterations", 1);
        iteration++) {
      long seed = baseSeed + iteration;
      String queue = "audit-file-crash-" + UUID.randomUUID();
      Path dir = Files.createTempDirectory("audit-crash-auditor").resolve("store");
      Set<Integer> acked = ConcurrentHashMap.newKeySet();
      SigningKey key = AuditorCrashChild.signingKey(dir);
      try (QueueReader reader = new QueueReader(broker, queue).declare()) {
        Process child =
            ChildJvm.start(
                List.of("-Daudit.file-store.fsync=" + policy.name()),
                childArguments(dir, broker, queue, mode, true));
        Thread pump = ChildJvm.readProtocol(child, n -> acked.add(Integer.parseInt(n)), n -> {});
        int killAfter = 200 + new SplittableRandom(seed).nextInt(800);
        Awaitility.await()
            .atMost(150, TimeUnit.SECONDS)
            .until(() -> acked.size() >= killAfter || !child.isAlive());
        assertThat(child.isAlive()).as("child alive until killed (seed %d)", seed).isTrue();
        ChildJvm.kill(child, pump);

        try (Auditor restarted =
            AuditorCrashChild.auditor(dir, broker.uri(), queue, DeliveryMode.WRITE_AHEAD, policy)) {
          Awaitility.await()
              .atMost(60, TimeUnit.SECONDS)
              .until(() -> restarted.state().orElseThrow().store().events() == 0);
        }
        List<Integer> firstDeliveries = new ArrayList<>();
        Set<Integer> delivered = new HashSet<>();
        List<QueueReader.Delivered> messages = reader.poll();
        TrailVerifier verifier = new TrailVerifier(VerificationKeys.of(List.of(key.publicKey())));
        for (var message : messages) {
          verifier.accept(message.body());
          if (TrailMessage.read(message.body()).checkpoint() != null) {
            continue; // the stream's start, checkpoints and end
          }
          String tag = CadfJson.read(message.body()).tags().get(0);
          int n = Integer.parseInt(tag.substring("n?value=".length()));
          if (delivered.add(n)) {
            firstDeliveries.add(n);
          }
        }
        Set<Integer> missing = new HashSet<>(acked);
        missing.removeAll(delivered);
        assertThat(missing)
            .as("completed events lost (%s, fsync=%s, seed %d)", mode, policy, seed)
            .isEmpty();
        assertThat(firstDeliveries).as("one producer, one order (seed %d)", seed).isSorted();
        // The consumer's oracle: the killed run is cut (never a hole: everything below its last
        // checkpoint arrived, and the completed events, all delivered, lie below the cut), the
        // restarted run ended cleanly; nothing altered.
        TrailReport trail = verifier.report();
        assertThat(trail.streams())
            .as("integrity (%s, fsync=%s, seed %d): %s", mode, policy, seed, trail.describe())
            .hasSize(2)
            .allSatisfy(
                s -> {
                  assertThat(s.holes()).isEmpty();
                  assertThat(s.problems()).isEmpty();
                })
            .anySatisfy(s -> assertThat(s.ended()).isTrue())
            .anySatisfy(s -> assertThat(s.ended()).isFalse());
        long cut = trail.streams().stream().mapToLong(StreamReport::cutSize).sum();
        System.out.printf(
            "[audit-crash] auditor mode=%s fsync=%s seed=%d acked=%d delivered=%d messages=%d"
                + " holes=0 cut=%d%n",
            mode, policy, seed, acked.size(), delivered.size(), messages.size(), cut);
        reader.delete();
      }
    }
  }

  static Stream<Arguments> modesAndPolicies() {
    return CrashSelection.selected(
        Stream.of(DeliveryMode.BUFFER_ON_FAILURE, DeliveryMode.WRITE_AHEAD)
            .flatMap(
                mode -> Stream.of(FsyncPolicy.values()).map(policy -> Arguments.of(mode, policy))));
  }

  /** The main class and arguments of {@link AuditorCrashChild}. */
  private static String[] childArguments(
      Path dir, AmqpBroker broker, String queue, DeliveryMode mode, boolean flap) {
    return new String[] {
      AuditorCrashChild.class.getName(),
      dir.toString(),
      broker.host(),
      Integer.toString(broker.port()),
      broker.username(),
      broker.password(),
      queue,
      mode.name(),
      Boolean.toString(flap)
    };
  }

  @ParameterizedTest
  @EnumSource(
      value = FsyncPolicy.class,
      names = {"ALWAYS", "INTERVAL", "NEVER"})
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void keepsEveryAcknowledgedEventAcrossSigkill(FsyncPolicy policy) throws Exception {
    Path dir = Files.createTempDirectory("audit-crash").resolve("store");
    long baseSeed = Long.getLong("audit.crash.seed", System.nanoTime());
    Map<Integer, Integer> lastSeen = new HashMap<>();
    Set<String> delivered = new HashSet<>();
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      long seed = baseSeed + iteration;
      // Every other run preallocates: a directory switched between the two must work too.
      boolean preallocate = iteration % 2 == 1;
      System.out.printf(
          "[audit-crash] policy=%s iteration=%d seed=%d preallocate=%s%n",
          policy, iteration, seed, preallocate);
      Set<String> acked = ConcurrentHashMap.newKeySet();
      Process child =
          ChildJvm.start(
              List.of("-Daudit.file-store.preallocate=" + preallocate),
              CrashChild.class.getName(),
              dir.toString(),
              policy.name(),
              "4",
              Long.toString(seed));
      Thread pump = ChildJvm.readProtocol(child, acked::add, id -> {});
      int killAfter = 200 + new SplittableRandom(seed).nextInt(3000);
      Awaitility.await()
          .atMost(60, TimeUnit.SECONDS)
          .until(() -> acked.size() >= killAfter || !child.isAlive());
      assertThat(child.isAlive()).as("child alive until killed").isTrue();
      ChildJvm.kill(child, pump); // SIGKILL

      try (FileBackingStore store = TestFileStores.open(dir, policy, preallocate)) {
        List<StoredEvent> all = new ArrayList<>();
        Claim claim;
        while (!(claim = store.claim(1000)).isEmpty()) {
          all.addAll(claim.events());
          store.acknowledge(claim);
        }
        for (StoredEvent event : all) {
          assertThat(delivered.add(event.id())).as("no duplicate of %s", event.id()).isTrue();
          String json = new String(event.payload(), StandardCharsets.UTF_8);
          String[] idParts = event.id().split("-");
          int producer = Integer.parseInt(idParts[0].substring(1));
          int n = Integer.parseInt(idParts[1]);
          assertThat(json).startsWith("{\"producer\":" + producer + ",\"n\":" + n + ",");
          if (Long.parseLong(idParts[2]) == seed) {
            assertThat(n)
                .as("order of producer %d", producer)
                .isGreaterThan(lastSeen.getOrDefault(producer, -1));
            lastSeen.put(producer, n);
          }
        }
        lastSeen.clear();
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(delivered);
        assertThat(missing).as("acknowledged events lost after SIGKILL (seed %d)", seed).isEmpty();
        System.out.printf(
            "[audit-crash] policy=%s seed=%d acked=%d recovered=%d%n",
            policy, seed, acked.size(), all.size());
      }
    }
  }
}
