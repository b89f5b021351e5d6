package io.auditrelay.benchmarks;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The file store on this disk, in events per second.
 *
 * <ul>
 *   <li>{@code file.fsync-always.throughput}, 8 recording threads, each recording a window of
 *       {@value #WINDOW} events and waiting until all are durable: ours records through an Auditor
 *       in write-ahead mode on a file store with {@code fsync=always} (the broker is unreachable,
 *       so the delivery thread only appends). Limit: a raw group-commit loop on a {@link
 *       FileChannel} with the same shape (the threads hand their records to one committer thread,
 *       which writes everything waiting and fsyncs once). Peer: the go-bits file store, one file
 *       under a lock, open + append + fsync + close per event.
 *   <li>{@code file.fsync-always.store-throughput}: the same limit and peer, and the file store
 *       alone: 8 threads each appending batches of {@value #WINDOW} serialized events to a store
 *       with {@code fsync=always} (concurrent appends share an fsync). The difference to the
 *       Auditor's figure is {@code record()}'s validation and serialization, on the same 2 cores.
 *   <li>{@code file.fsync-never.throughput}, one thread: ours appends single events to a store with
 *       {@code fsync=never}; limit: buffered sequential {@code FileChannel.write} of the same
 *       bytes.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileAppend {

  static final int WINDOW = 100;

  /** Whether the Auditor stamps the trail (the {@code integrity} group compares both). */
  @Param("false")
  public boolean integrity;

  /**
   * Whether, without integrity, the event carries a plain attachment as large as the stamp (the
   * {@code integrity} group's control for the stamp's bytes).
   */
  @Param("false")
  public boolean sameBytes;

  private CadfEvent event = Fixtures.event();
  private final byte[] json = Fixtures.eventBytes();
  private final byte[] record = line(json);
  private Path dir;
  private Auditor auditor;
  private BackingStore neverStore;
  private BackingStore alwaysStore;
  private final List<SerializedEvent> prepared = Fixtures.serialized(WINDOW);
  private FileChannel raw;
  private FileChannel buffered;
  private GroupCommit groupCommit;

  @Setup(Level.Trial)
  public void open() throws IOException {
    if (sameBytes) {
      event = Fixtures.eventWithStampSizedPad();
    }
    dir = Fixtures.tempDirectory("bench-file");
    // Port 1 refuses: the Auditor stores everything and never drains during the measurement.
    auditor =
        Fixtures.auditor(
                "bench-unused", Fixtures.fileStore(dir.resolve("ours"), "always"), integrity)
            .rabbitUri("amqp://guest:guest@127.0.0.1:1")
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .shutdownTimeout(java.time.Duration.ofMillis(100))
            .build();
    neverStore = Fixtures.fileStore(dir.resolve("never"), "never");
    alwaysStore = Fixtures.fileStore(dir.resolve("always"), "always");
    raw = open(dir.resolve("raw-group-commit.log"));
    buffered = open(dir.resolve("raw-buffered.log"));
    groupCommit = new GroupCommit(raw);
  }

  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void fsyncAlwaysOurs() {
    CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
    for (int i = 0; i < WINDOW; i++) {
      window[i] = auditor.record(event);
    }
    CompletableFuture.allOf(window).join();
  }

  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void fsyncAlwaysStore() {
    alwaysStore.append(prepared);
  }

  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void fsyncAlwaysLimitRawGroupCommit() throws InterruptedException {
    groupCommit.commit(record, WINDOW);
  }

  @Benchmark
  @Threads(8)
  public void fsyncAlwaysPeerOpenAppendFsyncClose() throws IOException {
    synchronized (this) {
      try (FileChannel channel = open(dir.resolve("peer.log"))) {
        channel.write(ByteBuffer.wrap(record));
        channel.force(false);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public void fsyncNeverOurs() {
    neverStore.append(List.of(new SerializedEvent("e", json)));
  }

  @Benchmark
  @Threads(1)
  public void fsyncNeverLimitRawBufferedWrite() throws IOException {
    buffered.write(ByteBuffer.wrap(record));
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    auditor.close();
    neverStore.close();
    alwaysStore.close();
    groupCommit.close();
    raw.close();
    buffered.close();
    Fixtures.delete(dir);
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static byte[] line(byte[] json) {
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /**
   * The physical limit: producers hand records to one committer thread, which writes everything
   * waiting in one call and fsyncs once; each producer waits until its records are covered.
   */
  static final class GroupCommit implements Runnable {
    private final FileChannel channel;
    private final Thread committer;
    private final java.util.ArrayDeque<byte[]> waiting = new java.util.ArrayDeque<>();
    private long submitted;
    private long durable;
    private boolean closed;

    GroupCommit(FileChannel channel) {
      this.channel = channel;
      this.committer = new Thread(this, "raw-group-commit");
      committer.setDaemon(true);
      committer.start();
    }

    /** Hands {@code count} copies of {@code record} to the committer and waits until durable. */
    synchronized void commit(byte[] record, int count) throws InterruptedException {
      for (int i = 0; i < count; i++) {
        waiting.add(record);
      }
      submitted += count;
      long mine = submitted;
      notifyAll();
      while (durable < mine) {
        wait();
      }
    }

    @Override
    public void run() {
      try {
        while (true) {
          ByteBuffer[] batch;
          long covered;
          synchronized (this) {
            while (waiting.isEmpty() && !closed) {
              wait();
            }
            if (closed) {
              return;
            }
            batch = new ByteBuffer[waiting.size()];
            for (int i = 0; i < batch.length; i++) {
              batch[i] = ByteBuffer.wrap(waiting.poll());
            }
            covered = submitted;
          }
          long remaining = 0;
          for (ByteBuffer buffer : batch) {
            remaining += buffer.remaining();
          }
          while (remaining > 0) {
            remaining -= channel.write(batch);
          }
          channel.force(false);
          synchronized (this) {
            durable = covered;
            notifyAll();
          }
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }
  }
}
