package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import java.nio.file.Path;
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
 * No target, for the record: durable events per second with 16 recording threads (each records a
 * window of 10 and waits for them) in write-ahead and buffer-on-failure mode (file store, {@code
 * fsync=always}, broker up), against synchronous publishing (each thread publishes and waits for
 * its confirm, on a channel of its own).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeliveryModes {

  /** One Auditor per mode for the whole trial. */
  @State(Scope.Benchmark)
  public static class Auditors {
    final CadfEvent event = Fixtures.event();
    Path dir;
    String queue;
    Auditor writeAhead;
    Auditor bufferOnFailure;

    @Setup(Level.Trial)
    public void start() {
      dir = Fixtures.tempDirectory("bench-modes");
      queue = Fixtures.unique("bench-modes");
      writeAhead =
          Fixtures.auditor(queue, Fixtures.fileStore(dir.resolve("wa"), "always"))
              .deliveryMode(DeliveryMode.WRITE_AHEAD)
              .build();
      bufferOnFailure =
          Fixtures.auditor(queue, Fixtures.fileStore(dir.resolve("bof"), "always"))
              .deliveryMode(DeliveryMode.BUFFER_ON_FAILURE)
              .build();
    }

    @TearDown(Level.Iteration)
    public void purge() throws Exception {
      Fixtures.purge(queue);
    }

    @TearDown(Level.Trial)
    public void stop() {
      writeAhead.close();
      bufferOnFailure.close();
      Fixtures.deleteQueue(queue);
      Fixtures.delete(dir);
    }
  }

  /** A channel per recording thread, for synchronous publishing. */
  @State(Scope.Thread)
  public static class SyncChannel {
    final byte[] bytes = Fixtures.eventBytes();
    Connection connection;
    Channel channel;

    @Setup(Level.Trial)
    public void open(Auditors auditors) throws Exception {
      connection = Fixtures.rabbitConnection();
      channel = connection.createChannel();
      Fixtures.declare(channel, auditors.queue);
      channel.confirmSelect();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      connection.close();
    }
  }

  @Benchmark
  @Threads(16)
  @OperationsPerInvocation(10)
  public void writeAhead(Auditors auditors) {
    window(auditors.writeAhead, auditors.event);
  }

  @Benchmark
  @Threads(16)
  @OperationsPerInvocation(10)
  public void bufferOnFailure(Auditors auditors) {
    window(auditors.bufferOnFailure, auditors.event);
  }

  @Benchmark
  @Threads(16)
  public void synchronousPublish(Auditors auditors, SyncChannel sync) throws Exception {
    sync.channel.basicPublish("", auditors.queue, true, Fixtures.properties(), sync.bytes);
    sync.channel.waitForConfirmsOrDie(10_000);
  }

  private static void window(Auditor auditor, CadfEvent event) {
    CompletableFuture<?>[] window = new CompletableFuture<?>[10];
    for (int i = 0; i < 10; i++) {
      window[i] = auditor.record(event);
    }
    CompletableFuture.allOf(window).join();
  }
}
