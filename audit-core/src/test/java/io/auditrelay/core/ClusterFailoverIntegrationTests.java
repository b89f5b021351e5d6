package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.Deliveries;
import io.auditrelay.testsupport.FlappingLoad;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RabbitNode;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node RabbitMQ cluster that the test starts on this machine (own node names, ports, data
 * directories; the main broker untouched), a quorum queue, and an Auditor with the address list.
 * While 16 threads record, each round SIGKILLs the node the Auditor is connected to, restarts it,
 * then SIGKILLs the node that leads the queue and restarts it. Oracle: every event whose future
 * completed is in the queue, nothing foreign is, each thread's order holds; duplicates are counted.
 * {@code -Daudit.cluster.rounds} sets the rounds (3 by default, 50 in the {@code long-faults}
 * profile).
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class ClusterFailoverIntegrationTests {

  private static final int THREADS = 16;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path directory;

  @Test
  void keepsEveryConfirmedEventWhileClusterNodesAreKilled() throws Exception {
    RabbitNode.assumeInstalled();
    int rounds = Integer.getInteger("audit.cluster.rounds", 3);
    List<RabbitNode> nodes = RabbitNode.cluster("audit-cluster", directory, 3);
    RealServers.report(
        getClass().getSimpleName(),
        "RabbitMQ cluster of "
            + nodes.stream().map(RabbitNode::nodeName).collect(Collectors.joining(", ")));
    String queue = "audit-cluster-" + UUID.randomUUID();
    String name = "cluster-" + UUID.randomUUID();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String addresses =
        nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    Set<String> completed = ConcurrentHashMap.newKeySet();
    Set<String> recorded = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
    List<Long> failoverMillis = new ArrayList<>();
    ExecutorService producers = Executors.newFixedThreadPool(THREADS);
    try (QueueReader reader = new QueueReader(nodes.get(0).broker(nodes.get(0).port()), queue);
        Auditor auditor =
            Auditor.builder()
                .name(name)
                .rabbitAddresses(addresses)
                .queueName(queue)
                .queueType(QueueType.QUORUM)
                .backingStore(new MemoryBackingStore(2_000_000, Clock.systemUTC()))
                .meterRegistry(registry)
                .initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(500))
                .confirmTimeout(Duration.ofSeconds(5))
                // While a quorum queue elects a leader RabbitMQ nacks, and a nack counts toward
                // quarantine: a cluster needs more attempts than the default (docs/operations.md).
                .maxAttempts(1_000)
                .connectionTimeout(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(60))
                .shutdownHook(false)
                .build()) {
      boolean[] stop = new boolean[1];
      String prefix = "c" + System.nanoTime() + "-";
      for (int t = 0; t < THREADS; t++) {
        String producer = prefix + t;
        producers.submit(
            () -> {
              for (int n = 0; !stopped(stop); n++) {
                String key = TestEvents.key(producer, n);
                recorded.add(key);
                CompletableFuture<Void> future = auditor.record(TestEvents.event(producer, n));
                futures.add(
                    future.whenComplete(
                        (ok, e) -> {
                          if (e == null) {
                            completed.add(key);
                          }
                        }));
                if (n % 5 == 4) {
                  future.join(); // a steady load instead of a full hand-off queue
                  // About 12 events/s per thread, 200/s in all: a busy service's audit rate, and
                  // a backlog the test's reader can read back within minutes.
                  java.util.concurrent.locks.LockSupport.parkNanos(400_000_000L);
                }
              }
              return null;
            });
      }
      awaitPublishing(registry, Duration.ofSeconds(60));
      for (int round = 1; round <= rounds; round++) {
        RabbitNode connected = connectedNode(nodes, name);
        failoverMillis.add(killAndMeasure(connected, nodes, registry));
        connected.restart();
        awaitAllMembersOnline(nodes, queue);
        RabbitNode leader = leaderNode(nodes, queue);
        failoverMillis.add(killAndMeasure(leader, nodes, registry));
        leader.restart();
        awaitAllMembersOnline(nodes, queue);
      }
      synchronized (stop) {
        stop[0] = true;
      }
      producers.shutdown();
      assertThat(producers.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> auditor.state().orElseThrow().store().events() == 0);
      // The reader takes one basic.get per message: a few hundred per second from a quorum queue
      // of this cluster on two cores.
      try {
        reader.awaitAtLeast(completed.size(), WAIT.plusSeconds(completed.size() / 200));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "read " + reader.poll().size() + " of " + completed.size() + " completed events", e);
      }
      Deliveries deliveries =
          Deliveries.of(reader.poll())
              .inProducerOrder()
              .containsAll(completed, "cluster failover")
              .onlyFrom(recorded, "cluster failover");
      List<Long> sorted = new ArrayList<>(failoverMillis);
      Collections.sort(sorted);
      System.out.printf(
          "[audit-it] cluster: %d rounds (%d SIGKILLs), %d events completed, %d delivered messages,"
              + " %d duplicates, failover p50 %d ms, p99 %d ms, max %d ms%n",
          rounds,
          sorted.size(),
          completed.size(),
          deliveries.messages(),
          deliveries.duplicates(),
          percentile(sorted, 0.50),
          percentile(sorted, 0.99),
          sorted.get(sorted.size() - 1));
      assertThat(count(registry, "audit.events.lost")).isZero();
      reader.delete();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + FlappingLoad.threadDump(), e);
    } finally {
      producers.shutdownNow();
      nodes.forEach(RabbitNode::close);
    }
  }

  private static boolean stopped(boolean[] stop) {
    synchronized (stop) {
      return stop[0];
    }
  }

  /** SIGKILLs {@code node}; returns the time until the Auditor published again. */
  private static long killAndMeasure(
      RabbitNode node, List<RabbitNode> nodes, SimpleMeterRegistry registry) {
    long start = System.nanoTime();
    node.kill();
    double before = count(registry, "audit.events.published");
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> count(registry, "audit.events.published") > before);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      RabbitNode live = nodes.stream().filter(n -> n != node).findFirst().orElseThrow();
      throw new AssertionError(
          "no publish confirmed within "
              + WAIT
              + " after killing "
              + node.nodeName()
              + "; queues:\n"
              + live.ctl("list_queues", "name", "type", "leader", "members", "online", "messages")
              + "\nlog of "
              + live.nodeName()
              + ":\n"
              + live.log()
                  .lines()
                  .skip(Math.max(0, live.log().lines().count() - 40))
                  .collect(Collectors.joining("\n")),
          e);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void awaitPublishing(SimpleMeterRegistry registry, Duration timeout) {
    await().atMost(timeout).until(() -> count(registry, "audit.events.published") > 1_000);
  }

  /** The node that holds the Auditor's connection. */
  private static RabbitNode connectedNode(List<RabbitNode> nodes, String auditorName) {
    // A connection's pid names its node: <audit-cluster-2@localhost.1709.2042.0>.
    return nodeListed(
        nodes,
        "audit-relay-" + auditorName,
        0,
        "list_connections",
        "-s",
        "pid",
        "client_properties");
  }

  /** The node that leads the quorum queue. */
  private static RabbitNode leaderNode(List<RabbitNode> nodes, String queue) {
    return nodeListed(nodes, queue, 1, "list_queues", "-s", "name", "leader");
  }

  /**
   * The node named (by its name or a pid on it) in column {@code column} of the line of {@code
   * rabbitmqctl <listing>} that contains {@code key}, asked of the first node until it answers.
   */
  private static RabbitNode nodeListed(
      List<RabbitNode> nodes, String key, int column, String... listing) {
    return await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                nodes
                    .get(0)
                    .ctl(listing)
                    .lines()
                    .filter(line -> line.contains(key))
                    .map(line -> line.trim().split("\\s+")[column])
                    .findFirst()
                    .flatMap(
                        value ->
                            nodes.stream()
                                .filter(
                                    n ->
                                        value.equals(n.nodeName())
                                            || value.startsWith("<" + n.nodeName() + "."))
                                .findFirst())
                    .orElse(null),
            n -> n != null);
  }

  /**
   * Waits until the restarted node is a member of the queue again. Killing another node before
   * would leave the queue without a majority: RabbitMQ then nacks every publish (operations.md,
   * "Clusters"), which is not the failover this test measures.
   */
  private static void awaitAllMembersOnline(List<RabbitNode> nodes, String queue) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                nodes
                    .get(0)
                    .ctl("list_queues", "-s", "name", "online")
                    .lines()
                    .filter(line -> line.startsWith(queue))
                    .anyMatch(line -> line.chars().filter(c -> c == '@').count() == nodes.size()));
  }

  private static double count(SimpleMeterRegistry registry, String meter) {
    return registry.find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
