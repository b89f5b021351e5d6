package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * {@code peer.rabbittemplate.*}: what a Spring team has without an audit library, a {@link
 * RabbitTemplate} with correlated publisher confirms, against Audit Relay at equal guarantees.
 * {@value #THREADS} threads each publish one event and wait until it is durable, then the next: the
 * peer waits for the broker's confirm of its correlation; ours waits for the future of {@code
 * record()}, which completes when the event is confirmed by the broker or, in write-ahead mode,
 * forced to the file store ({@code fsync=always}) from which it is drained. The time of each wait
 * is sampled: p50 and p99 latency to durable, and the throughput, {@value #THREADS} threads over
 * the mean time of one event. The same broker, the same event bytes, the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeerRabbitTemplate {

  /** Recording (or publishing) threads on each side. */
  static final int THREADS = 16;

  private final CadfEvent event = Fixtures.event();
  private final byte[] bytes = Fixtures.eventBytes();
  private Path dir;
  private String queue;
  private CachingConnectionFactory connectionFactory;
  private RabbitTemplate template;
  private Auditor bufferOnFailure;
  private Auditor writeAhead;

  @Setup(Level.Trial)
  public void start() throws Exception {
    dir = Fixtures.tempDirectory("bench-peer");
    queue = Fixtures.unique("bench-peer");
    try (Connection connection = Fixtures.rabbitConnection();
        Channel channel = connection.createChannel()) {
      Fixtures.declare(channel, queue);
    }
    connectionFactory = new CachingConnectionFactory(URI.create(Fixtures.RABBIT_URI));
    connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    connectionFactory.setChannelCacheSize(THREADS);
    template = new RabbitTemplate(connectionFactory);
    bufferOnFailure =
        Fixtures.auditor(queue, Fixtures.memoryStore())
            .deliveryMode(DeliveryMode.BUFFER_ON_FAILURE)
            .build();
    writeAhead =
        Fixtures.auditor(queue, Fixtures.fileStore(dir.resolve("wa"), "always"))
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .build();
  }

  /** The broker keeps what it is given: empty the queue between iterations. */
  @TearDown(Level.Iteration)
  public void purge() throws Exception {
    Fixtures.purge(queue);
  }

  @Benchmark
  @Threads(THREADS)
  public void peer() throws Exception {
    sendConfirmed(template, queue, bytes);
  }

  /**
   * Publishes {@code body} persistent to {@code queue} with a correlation and waits for the
   * broker's confirm; throws on a nack or after 10 s.
   */
  static void sendConfirmed(RabbitTemplate template, String queue, byte[] body) throws Exception {
    MessageProperties properties = new MessageProperties();
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    properties.setMessageId(UUID.randomUUID().toString());
    CorrelationData correlation = new CorrelationData(properties.getMessageId());
    template.send("", queue, new Message(body, properties), correlation);
    CorrelationData.Confirm confirm = correlation.getFuture().get(10, TimeUnit.SECONDS);
    if (!confirm.ack()) {
      throw new IllegalStateException("nacked: " + confirm.reason());
    }
  }

  @Benchmark
  @Threads(THREADS)
  public void oursBufferOnFailureMemory() {
    bufferOnFailure.record(event).join();
  }

  @Benchmark
  @Threads(THREADS)
  public void oursWriteAheadFile() {
    writeAhead.record(event).join();
  }

  @TearDown(Level.Trial)
  public void stop() {
    bufferOnFailure.close();
    writeAhead.close();
    connectionFactory.destroy();
    Fixtures.deleteQueue(queue);
    Fixtures.delete(dir);
  }
}
