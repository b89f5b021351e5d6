package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.StoreParams;
import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code rabbit.live.throughput}: confirmed events per second with the broker up, buffer-on-failure
 * mode (4 recording threads, each recording a window of {@value #WINDOW} and waiting for the
 * confirms: at most 1,000 events unconfirmed, as many as the limit allows), against the raw
 * amqp-client with asynchronous confirms and at most {@value AsyncConfirmPublisher#OUTSTANDING}
 * outstanding (limit) on the same broker.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RabbitLive {

  /** Events each of the 4 threads records before waiting: 4 × 250 = the limit's 1,000. */
  static final int WINDOW = 250;

  private final CadfEvent event = Fixtures.event();
  private final byte[] bytes = Fixtures.eventBytes();
  private String queue;
  private Auditor auditor;
  private Connection connection;
  private AsyncConfirmPublisher raw;

  @Setup(Level.Trial)
  public void start() throws Exception {
    queue = Fixtures.unique("bench-live");
    auditor =
        Fixtures.auditor(
                queue,
                new MemoryBackingStoreFactory()
                    .create(new StoreParams("bench", "memory", Map.of("max_events", 1_000_000))))
            .build();
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

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(WINDOW)
  public void ours() {
    CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
    for (int i = 0; i < WINDOW; i++) {
      window[i] = auditor.record(event);
    }
    CompletableFuture.allOf(window).join();
  }

  @Benchmark
  @Threads(1)
  public void limitAsyncConfirms() throws Exception {
    raw.publish(bytes);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    auditor.close();
    connection.close();
    Fixtures.deleteQueue(queue);
  }
}
