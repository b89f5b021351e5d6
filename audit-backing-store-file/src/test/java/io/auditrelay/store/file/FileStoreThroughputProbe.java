package io.auditrelay.store.file;

import io.auditrelay.store.SerializedEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick same-run comparison, not a benchmark (JMH benchmarks are issue #7): 8 threads appending 1
 * KiB events, one per call, for a few seconds each, in three rounds, on the same disk:
 *
 * <ul>
 *   <li>ours: {@link FileBackingStore} with {@code fsync=always};
 *   <li>limit: a raw {@link FileChannel} group-commit loop (write under a lock, one leader fsync);
 *   <li>peer: the audittools pattern, open + append + fsync + close per event.
 * </ul>
 *
 * Run: {@code java -cp <test classpath> io.auditrelay.store.file.FileStoreThroughputProbe DIR
 * SECONDS}.
 */
public final class FileStoreThroughputProbe {

  private static final int THREADS = 8;
  private static final byte[] PAYLOAD =
      ("{\"pad\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);

  private FileStoreThroughputProbe() {}

  interface Writer {
    void write() throws IOException;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    List<double[]> rounds = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      Path dir = Files.createTempDirectory(root, "probe");
      double ours;
      try (FileBackingStore store =
          new FileBackingStore(
              dir.resolve("ours"),
              256L << 20,
              64L << 30,
              FsyncPolicy.ALWAYS,
              10,
              Clock.systemUTC(),
              c -> c.force(false))) {
        ours =
            run(
                seconds,
                () ->
                    store.append(
                        List.of(new SerializedEvent(UUID.randomUUID().toString(), PAYLOAD))));
      }
      double viaAuditor = viaAuditor(dir.resolve("auditor"), seconds);
      double limit = rawGroupCommit(dir.resolve("raw.log"), seconds);
      Object lock = new Object();
      Path peerFile = dir.resolve("peer.log");
      double peer =
          run(
              seconds,
              () -> {
                synchronized (lock) {
                  try (FileChannel channel =
                      FileChannel.open(
                          peerFile,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.WRITE,
                          StandardOpenOption.APPEND)) {
                    channel.write(ByteBuffer.wrap(PAYLOAD));
                    channel.force(false);
                  }
                }
              });
      System.out.printf(
          "round %d: ours %.0f ev/s, via Auditor %.0f ev/s, raw group commit %.0f ev/s, fsync-per-event %.0f ev/s%n",
          round, ours, viaAuditor, limit, peer);
      rounds.add(new double[] {ours, limit, peer, viaAuditor});
    }
    double ours = median(rounds, 0);
    double limit = median(rounds, 1);
    double peer = median(rounds, 2);
    double auditor = median(rounds, 3);
    System.out.printf(
        "median: ours %.0f, via Auditor %.0f, limit %.0f, peer %.0f ev/s;"
            + " ours/limit %.2f, ours/peer %.1f, via Auditor/limit %.1f, via Auditor/peer %.1f%n",
        ours, auditor, limit, peer, ours / limit, ours / peer, auditor / limit, auditor / peer);
  }

  /**
   * 8 threads recording through an Auditor in write-ahead mode whose broker is unreachable, so
   * every event is appended by the delivery thread in batches: durable completions per second.
   */
  private static double viaAuditor(Path dir, int seconds) throws Exception {
    FileBackingStore store =
        new FileBackingStore(
            dir,
            256L << 20,
            64L << 30,
            FsyncPolicy.ALWAYS,
            10,
            Clock.systemUTC(),
            c -> c.force(false));
    io.auditrelay.core.Auditor auditor =
        io.auditrelay.core.Auditor.builder()
            .rabbitUri("amqp://guest:guest@127.0.0.1:1")
            .queueName("probe")
            .deliveryMode(io.auditrelay.core.DeliveryMode.WRITE_AHEAD)
            .backingStore(store)
            .maxBackoff(java.time.Duration.ofSeconds(30))
            .initialBackoff(java.time.Duration.ofSeconds(30))
            .shutdownTimeout(java.time.Duration.ofSeconds(1))
            .shutdownHook(false)
            .build();
    io.auditrelay.cadf.CadfEvent event =
        io.auditrelay.cadf.CadfEvent.builder()
            .action("update")
            .outcome(io.auditrelay.cadf.Outcome.SUCCESS)
            .initiatorId("user-1")
            .target(io.auditrelay.cadf.Resource.of("t", "data"))
            .name("x".repeat(700))
            .build();
    AtomicLong durable = new AtomicLong();
    try {
      run(seconds, () -> auditor.record(event).thenRun(durable::incrementAndGet));
      return durable.get() / (double) seconds;
    } finally {
      auditor.close();
    }
  }

  private static double rawGroupCommit(Path file, int seconds) throws Exception {
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      Object writeLock = new Object();
      Object syncLock = new Object();
      AtomicLong written = new AtomicLong();
      AtomicLong synced = new AtomicLong();
      return run(
          seconds,
          () -> {
            long mine;
            synchronized (writeLock) {
              channel.write(ByteBuffer.wrap(PAYLOAD));
              mine = written.incrementAndGet();
            }
            synchronized (syncLock) {
              if (synced.get() < mine) {
                long target = written.get();
                channel.force(false);
                synced.set(target);
              }
            }
          });
    }
  }

  private static double run(int seconds, Writer writer) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong count = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  while (running.get()) {
                    writer.write();
                    count.incrementAndGet();
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      threads.add(thread);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(seconds * 1000L); // the measurement window
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    return count.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(List<double[]> rounds, int index) {
    double[] values = rounds.stream().mapToDouble(r -> r[index]).toArray();
    Arrays.sort(values);
    return values[values.length / 2];
  }
}
