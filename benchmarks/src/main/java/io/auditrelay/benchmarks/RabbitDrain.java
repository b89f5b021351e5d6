package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

/**
 * {@code rabbit.drain.throughput}: the time to drain a backlog (default 1,000,000 events) from a
 * file store to the broker, against publishing as many messages with the raw amqp-client and
 * asynchronous confirms (limit). Single shot; the runner turns the time into events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RabbitDrain {

  @Param("1000000")
  public int backlog;

  /**
   * Whether the backlog is a stamped trail and the draining Auditor checks it (the {@code
   * integrity} group compares both): then the backlog is written by an Auditor with integrity whose
   * broker is unreachable, not appended directly.
   */
  @Param("false")
  public boolean integrity;

  private Path dir;
  private String queue;
  private BackingStore store;

  @Setup(Level.Iteration)
  public void fill() throws Exception {
    dir = Fixtures.tempDirectory("bench-drain");
    queue = Fixtures.unique("bench-drain");
    store = Fixtures.fileStore(dir, "never");
    if (integrity) {
      fillStamped();
    } else {
      Fixtures.fill(store, backlog);
    }
    try (Connection connection = Fixtures.rabbitConnection();
        Channel channel = connection.createChannel()) {
      Fixtures.declare(channel, queue);
    }
  }

  /** The backlog as a stamped trail: recorded with integrity while the broker is unreachable. */
  private void fillStamped() {
    try (Auditor writer =
        Fixtures.auditor(queue, store, true)
            .rabbitUri("amqp://guest:guest@127.0.0.1:1")
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .closeStore(false)
            .shutdownTimeout(java.time.Duration.ofMillis(100))
            .build()) {
      CadfEvent event = Fixtures.event();
      List<CompletableFuture<Void>> window = new ArrayList<>(10_000);
      for (int i = 0; i < backlog; i++) {
        window.add(writer.record(event));
        if (window.size() == 10_000) {
          CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
          window.clear();
        }
      }
      CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    }
  }

  @Benchmark
  public void ours() throws InterruptedException {
    try (Auditor auditor =
        Fixtures.auditor(queue, store, integrity)
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .closeStore(false)
            .build()) {
      while (!store.isEmpty()) {
        Thread.sleep(5);
      }
    }
  }

  @Benchmark
  public void limitAsyncConfirms() throws Exception {
    byte[] body = Fixtures.eventBytes();
    try (Connection connection = Fixtures.rabbitConnection()) {
      AsyncConfirmPublisher raw = new AsyncConfirmPublisher(connection.createChannel(), queue);
      for (int i = 0; i < backlog; i++) {
        raw.publish(body);
      }
      raw.drain();
    }
  }

  @TearDown(Level.Iteration)
  public void clean() {
    store.close();
    Fixtures.deleteQueue(queue);
    Fixtures.delete(dir);
  }
}
