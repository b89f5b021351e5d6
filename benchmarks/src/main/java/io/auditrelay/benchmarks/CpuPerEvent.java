package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code cpu.per-event}: the CPU time this JVM spends (every thread: recording, delivery, the AMQP
 * client's, garbage collection and compilation) per confirmed event, in µs. Ours: the Auditor's
 * live path (buffer-on-failure, memory store, broker up), 4 recording threads each keeping {@value
 * RabbitLive#WINDOW} events unconfirmed, as {@code rabbit.live.throughput} does. Limit: the raw
 * amqp-client with asynchronous confirms ({@link AsyncConfirmPublisher}), one thread, the same
 * bytes. Both in one JVM on the same broker (whose own CPU, in its own process, is not counted),
 * after a warm-up of each, in alternating rounds; medians. Not JMH: the figure is a ratio of two
 * counters over whole runs, not a rate of one method.
 */
final class CpuPerEvent {

  /** Events per side and round. */
  static final int EVENTS = Integer.getInteger("audit.bench.cpu-events", 300_000);

  private static final int THREADS = 4;

  private CpuPerEvent() {}

  /** Measures {@code rounds} rounds of each side; returns the medians {@code [ours, limit]}. */
  static double[] measure(int rounds) throws Exception {
    String queue = Fixtures.unique("bench-cpu");
    CadfEvent event = Fixtures.event();
    byte[] bytes = Fixtures.eventBytes();
    Auditor auditor = Fixtures.auditor(queue, Fixtures.memoryStore()).build();
    try (Connection connection = Fixtures.rabbitConnection()) {
      Channel channel = connection.createChannel();
      Fixtures.declare(channel, queue);
      AsyncConfirmPublisher raw = new AsyncConfirmPublisher(channel, queue);
      Side ours = () -> recordAll(auditor, event);
      Side limit =
          () -> {
            for (int i = 0; i < EVENTS; i++) {
              raw.publish(bytes);
            }
            raw.drain();
          };
      run("warm-up ours", ours, connection, queue);
      run("warm-up limit", limit, connection, queue);
      List<Double> oursFigures = new ArrayList<>();
      List<Double> limitFigures = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean oursFirst = round % 2 == 0;
        for (int i = 0; i < 2; i++) {
          boolean isOurs = (i == 0) == oursFirst;
          double micros =
              run(
                  "round " + (round + 1) + (isOurs ? " ours" : " limit"),
                  isOurs ? ours : limit,
                  connection,
                  queue);
          (isOurs ? oursFigures : limitFigures).add(micros);
        }
      }
      return new double[] {median(oursFigures), median(limitFigures)};
    } finally {
      auditor.close();
      Fixtures.deleteQueue(queue);
    }
  }

  /** One side's work: {@value #EVENTS} events published and confirmed. */
  private interface Side {
    void run() throws Exception;
  }

  /** Runs one side, prints its raw figures, empties the queue; returns µs of CPU per event. */
  private static double run(String what, Side side, Connection connection, String queue)
      throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    side.run();
    double cpuNanos = os.getProcessCpuTime() - cpu;
    double seconds = (System.nanoTime() - wall) / 1e9;
    double micros = cpuNanos / 1000.0 / EVENTS;
    System.out.printf(
        "   cpu %s: %,d events in %.2f s (%,.0f events/s), %.2f s of CPU, %.2f us per event%n",
        what, EVENTS, seconds, EVENTS / seconds, cpuNanos / 1e9, micros);
    try (Channel channel = connection.createChannel()) {
      channel.queuePurge(queue);
    }
    return micros;
  }

  /** {@value #EVENTS} events through {@code auditor}, each thread with a sliding window. */
  private static void recordAll(Auditor auditor, CadfEvent event) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                CompletableFuture<?>[] ring = new CompletableFuture<?>[RabbitLive.WINDOW];
                for (int i = 0; i < EVENTS / THREADS; i++) {
                  int slot = i % ring.length;
                  if (ring[slot] != null) {
                    ring[slot].join();
                  }
                  ring[slot] = auditor.record(event);
                }
                for (CompletableFuture<?> f : ring) {
                  if (f != null) {
                    f.join();
                  }
                }
              },
              "bench-cpu-" + t);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }
}
