package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.Auditor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/**
 * Many threads recording through one Auditor while its broker connection flaps (a {@link TcpProxy}
 * cut and restored every 150 ms); then the broker stays up until everything is delivered. Asserts
 * exact counts (every event delivered, nothing foreign), byte-identical copies and each thread's
 * order. A hang fails with a dump of every thread instead of a bare timeout.
 */
public final class FlappingLoad {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private FlappingLoad() {}

  /**
   * Runs the load: {@code threads} threads each record {@code perThread} events of their own
   * producer (named {@code <prefix><thread>}) through {@code auditor}, whose broker is reached
   * through {@code proxy}; {@code reader} reads its queue directly.
   */
  public static Deliveries run(
      Auditor auditor, TcpProxy proxy, QueueReader reader, int threads, int perThread) {
    return run(auditor, proxy, reader, threads, perThread, Executors.newFixedThreadPool(threads));
  }

  /**
   * The same load, with the producers' tasks run by {@code producers} (for example one virtual
   * thread per producer), which this shuts down.
   */
  public static Deliveries run(
      Auditor auditor,
      TcpProxy proxy,
      QueueReader reader,
      int threads,
      int perThread,
      ExecutorService producers) {
    String prefix = "t" + System.nanoTime() + "-";
    Set<String> keys = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
    ScheduledExecutorService flapper = Executors.newSingleThreadScheduledExecutor();
    boolean[] down = new boolean[1];
    flapper.scheduleAtFixedRate(
        () -> {
          if (down[0]) {
            proxy.restore();
          } else {
            proxy.cut();
          }
          down[0] = !down[0];
        },
        50,
        150,
        TimeUnit.MILLISECONDS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String producer = prefix + t;
        running.add(
            producers.submit(
                () -> {
                  for (int n = 0; n < perThread; n++) {
                    futures.add(auditor.record(TestEvents.event(producer, n)));
                    keys.add(TestEvents.key(producer, n));
                  }
                }));
      }
      for (Future<?> f : running) {
        f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (TimeoutException e) {
      throw new AssertionError("producers hung:\n" + threadDump(), e);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      flapper.shutdownNow();
      producers.shutdownNow();
      try {
        flapper.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      proxy.restore();
    }
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("futures incomplete:\n" + threadDump(), e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    reader.awaitAtLeast(threads * perThread, WAIT);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> auditor.state().orElseThrow().store().events() == 0);
    Deliveries deliveries =
        Deliveries.of(reader.poll())
            .inProducerOrder()
            .containsAll(keys, "flapping load")
            .onlyFrom(keys, "flapping load");
    assertThat(deliveries.firstDeliveries()).hasSize(threads * perThread);
    System.out.printf(
        "[audit-it] %d threads, flapping broker, %s store: %d accepted, %d delivered, %d"
            + " duplicates%n",
        threads,
        auditor.state().orElseThrow().storeType(),
        threads * perThread,
        deliveries.messages(),
        deliveries.duplicates());
    return deliveries;
  }

  /** Every thread's stack, for a failure message. */
  public static String threadDump() {
    StringBuilder dump = new StringBuilder();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      dump.append(info);
    }
    return dump.toString();
  }
}
