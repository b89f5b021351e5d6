package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.nio.file.Path;
import java.util.List;
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

  private Path dir;
  private String queue;
  private BackingStore store;

  @Setup(Level.Iteration)
  public void fill() throws Exception {
    dir = Fixtures.tempDirectory("bench-drain");
    queue = Fixtures.unique("bench-drain");
    store = Fixtures.fileStore(dir, "never");
    List<SerializedEvent> batch = Fixtures.serialized(1000);
    for (int i = 0; i < backlog; i += 1000) {
      store.append(batch.subList(0, Math.min(1000, backlog - i)));
    }
    try (Connection connection = Fixtures.rabbitConnection();
        Channel channel = connection.createChannel()) {
      Fixtures.declare(channel, queue);
    }
  }

  @Benchmark
  public void ours() throws InterruptedException {
    try (Auditor auditor =
        Fixtures.auditor(queue, store).deliveryMode(DeliveryMode.WRITE_AHEAD).build()) {
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
