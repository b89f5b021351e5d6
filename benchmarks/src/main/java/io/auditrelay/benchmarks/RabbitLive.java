package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code rabbit.live.throughput}: confirmed events per second with the broker up, buffer-on-failure
 * mode, against the raw amqp-client with asynchronous confirms and at most {@value
 * AsyncConfirmPublisher#OUTSTANDING} outstanding (limit) on the same broker. What is unconfirmed at
 * the broker is bounded the same way on both sides: the limit by its {@value
 * AsyncConfirmPublisher#OUTSTANDING} permits, ours by the Auditor's confirm window (10 × the batch
 * size of 100 = 1,000 events). 4 recording threads each keep a sliding window of {@value #WINDOW}
 * events (an event is recorded once the one {@value #WINDOW} before it on the thread is confirmed),
 * 2,000 in all, so that the Auditor's window, not the recording threads, is what bounds it; the
 * rest wait in the hand-off queue, as in a service under load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RabbitLive {

  /** Events each of the 4 threads keeps unconfirmed: 4 × 500, twice the Auditor's window. */
  static final int WINDOW = 500;

  /** Whether the Auditor stamps the trail (the {@code integrity} group compares both). */
  @Param("false")
  public boolean integrity;

  private final CadfEvent event = Fixtures.event();
  private final byte[] bytes = Fixtures.eventBytes();
  private String queue;
  private Auditor auditor;
  private Connection connection;
  private AsyncConfirmPublisher raw;

  @Setup(Level.Trial)
  public void start() throws Exception {
    queue = Fixtures.unique("bench-live");
    auditor = Fixtures.auditor(queue, Fixtures.memoryStore(), integrity).build();
    connection = Fixtures.rabbitConnection();
    Channel channel = connection.createChannel();
    Fixtures.declare(channel, queue);
    raw = new AsyncConfirmPublisher(channel, queue);
  }

  /** The broker keeps what it is given: empty the queue between iterations. */
  @TearDown(Level.Iteration)
  public void purge() throws Exception {
    raw.drain();
    try (Channel channel = connection.createChannel()) {
      channel.queuePurge(queue);
    }
  }

  /** One recording thread's window: the futures of its last {@value #WINDOW} events. */
  @State(Scope.Thread)
  public static class Window {
    private final CompletableFuture<?>[] ring = new CompletableFuture<?>[WINDOW];
    private int next;

    /** Records one event once the event {@value #WINDOW} before it on this thread is confirmed. */
    void record(Auditor auditor, CadfEvent event) {
      CompletableFuture<?> oldest = ring[next];
      if (oldest != null) {
        oldest.join();
      }
      ring[next] = auditor.record(event);
      next = (next + 1) % WINDOW;
    }

    /** Iterations do not overlap: what one recorded is confirmed before the next starts. */
    @TearDown(Level.Iteration)
    public void settle() {
      CompletableFuture.allOf(
              java.util.Arrays.stream(ring)
                  .filter(f -> f != null)
                  .toArray(CompletableFuture[]::new))
          .join();
    }
  }

  @Benchmark
  @Threads(4)
  public void ours(Window window) {
    window.record(auditor, event);
  }

  @Benchmark
  @Threads(1)
  public void limitAsyncConfirms() throws Exception {
    raw.publish(bytes);
  }

  /**
   * The raw client as above, serializing each event first (a fresh id and time, as {@code record()}
   * gives it): what any producer of CADF events pays before the broker, the control that tells the
   * library's own cost from serialization's.
   */
  @Benchmark
  @Threads(1)
  public void limitSerializingAsyncConfirms() throws Exception {
    raw.publish(Fixtures.eventBytes());
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    auditor.close();
    connection.close();
    Fixtures.deleteQueue(queue);
  }
}
