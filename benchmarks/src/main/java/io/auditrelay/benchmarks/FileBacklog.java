package io.auditrelay.benchmarks;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code file.*.backlog-10m}: a file store with a backlog of {@link #LARGE} events against the same
 * measures at {@link #SMALL}, same code, same run: the time to open it ({@code fsync=always}, the
 * median of 5 opens), the heap it retains once open ({@link HeapProbe}, in a fresh JVM), and the
 * throughput of draining it to the broker (write-ahead, as {@code rabbit.drain.throughput}). The
 * broker is not asked to keep 10,000,000 messages: a thread empties the queue every second while
 * the drain runs (emptying does not touch confirms). Not JMH: a backlog this large is written once
 * per measure, not per iteration.
 */
final class FileBacklog {

  /** The large backlog ({@code audit.bench.large-backlog}). */
  static final int LARGE = Integer.getInteger("audit.bench.large-backlog", 10_000_000);

  /** The backlog it is compared with. */
  static final int SMALL = 1_000_000;

  /** The figures of one backlog: open in ms, retained heap in bytes, drain in events/s. */
  record Figures(double openMillis, long heapBytes, double drainPerSecond) {}

  private FileBacklog() {}

  /** Writes {@code events} events into a file store in {@code dir} ({@code fsync=never}). */
  static void fill(Path dir, int events) {
    try (BackingStore store = Fixtures.fileStore(dir, "never")) {
      Fixtures.fill(store, events);
    }
  }

  /** Measures a backlog of {@code events}; prints the raw figures. */
  static Figures measure(int events) throws Exception {
    Path dir = Fixtures.tempDirectory("bench-backlog");
    String queue = Fixtures.unique("bench-backlog");
    try {
      long writing = System.nanoTime();
      fill(dir, events);
      double writeSeconds = (System.nanoTime() - writing) / 1e9;
      double[] opens = new double[5];
      for (int i = 0; i < opens.length; i++) {
        long start = System.nanoTime();
        try (BackingStore store = Fixtures.fileStore(dir, "always")) {
          if (store.stats().events() != events) {
            throw new IllegalStateException("reopened with " + store.stats().events() + " events");
          }
        }
        opens[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(opens);
      long heap = HeapProbe.retainedBytes(events, dir);
      double drain = drain(dir, queue, events);
      System.out.printf(
          "   backlog %,d: written in %.1f s, opened in %.2f ms (median of 5: %s ms), %,d bytes of"
              + " heap retained, drained at %,.0f events/s%n",
          events, writeSeconds, opens[2], Arrays.toString(opens), heap, drain);
      return new Figures(opens[2], heap, drain);
    } finally {
      Fixtures.deleteQueue(queue);
      Fixtures.delete(dir);
    }
  }

  /** Drains the store of {@code dir} to {@code queue}; returns events/s. */
  private static double drain(Path dir, String queue, int events) throws Exception {
    Fixtures.purge(queue); // declares it
    Thread purger =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                try {
                  Fixtures.purge(queue);
                } catch (Exception e) {
                  // the next second tries again
                }
              }
            },
            "bench-backlog-purger");
    purger.setDaemon(true);
    try (BackingStore store = Fixtures.fileStore(dir, "never")) {
      long start = System.nanoTime();
      purger.start();
      try (Auditor auditor =
          Fixtures.auditor(queue, store)
              .deliveryMode(DeliveryMode.WRITE_AHEAD)
              .closeStore(false)
              .build()) {
        while (!store.isEmpty()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
      }
      return events / ((System.nanoTime() - start) / 1e9);
    } finally {
      purger.interrupt();
    }
  }
}
