package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.core.Auditor;
import java.time.Clock;
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
 * {@code record.latency.p99}: the time a caller spends in {@code record()} while the hand-off queue
 * is not full (ours), against publishing the same event synchronously and waiting for its confirm
 * (peer: what an auditor would do without a pipeline), on the real broker. The limit is the p99 of
 * the work {@code record()} cannot avoid (validating and serializing the event) on an idle machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecordLatency {

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
  private final Clock clock = Clock.systemUTC();
  private final byte[] bytes = Fixtures.eventBytes();
  private String queue;
  private Auditor auditor;
  private Connection connection;
  private Channel channel;

  @Setup(Level.Trial)
  public void start() throws Exception {
    if (sameBytes) {
      event = Fixtures.eventWithStampSizedPad();
    }
    queue = Fixtures.unique("bench-latency");
    auditor = Fixtures.auditor(queue, Fixtures.memoryStore(), integrity).build();
    connection = Fixtures.rabbitConnection();
    channel = connection.createChannel();
    Fixtures.declare(channel, queue);
    channel.confirmSelect();
  }

  /** Keeps the hand-off queue far from full, outside the measured call. */
  @Setup(Level.Invocation)
  public void notFull() throws InterruptedException {
    while (auditor.state().orElseThrow().queued() > 20_000) {
      Thread.sleep(1);
    }
  }

  @Benchmark
  public CompletableFuture<Void> ours() {
    return auditor.record(event);
  }

  /**
   * The floor: what {@code record()} must do on the caller's thread whatever the design, fixing the
   * event's id and time, validating it and serializing it once; no hand-off, no pipeline running.
   */
  @Benchmark
  public byte[] limitValidateAndSerialize() {
    CadfEvent complete = event.withDefaults(clock, event.observer());
    CadfValidator.validate(complete);
    return CadfJson.write(complete);
  }

  @Benchmark
  public void peerSynchronousPublish() throws Exception {
    channel.basicPublish("", queue, true, Fixtures.properties(), bytes);
    channel.waitForConfirmsOrDie(10_000);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    auditor.close();
    channel.close();
    connection.close();
    Fixtures.deleteQueue(queue);
  }
}
