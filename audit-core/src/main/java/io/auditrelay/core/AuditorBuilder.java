package io.auditrelay.core;

import io.auditrelay.cadf.Resource;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Secrets;
import io.auditrelay.store.TransactionalBackingStore;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Builds an {@link Auditor} without Spring. Only the queue name and a broker (a {@link
 * ConnectionFactory} or an AMQP URI) are required; every other setting has a working default.
 *
 * <pre>{@code
 * Auditor auditor = Auditor.builder()
 *     .rabbitUri("amqp://guest:guest@localhost:5672/")
 *     .queueName("audit-events")
 *     .backingStore(myStore)
 *     .build();
 * }</pre>
 *
 * Not thread-safe; an Auditor it builds is.
 */
public final class AuditorBuilder {

  private static final Logger log = LoggerFactory.getLogger(AuditorBuilder.class);

  private @Nullable ConnectionFactory connectionFactory;
  private @Nullable String rabbitUri;
  private @Nullable String queueName;
  private String exchange = "";
  private @Nullable String routingKey;
  private QueueType queueType = QueueType.CLASSIC;
  private boolean declareQueue = true;
  private MessageFormat messageFormat = MessageFormat.CADF;
  private String osloPublisherId = "audit-relay";
  private String osloEventType = "audit.http.request";
  private @Nullable BackingStore backingStore;
  private boolean closeStore = true;
  private Clock clock = Clock.systemUTC();
  private @Nullable MeterRegistry meterRegistry;
  private String name = "default";
  private DeliveryMode deliveryMode = DeliveryMode.BUFFER_ON_FAILURE;
  private int queueCapacity = 10_000;
  private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;
  private Duration overflowTimeout = Duration.ofSeconds(5);
  private int maxEventSize = 1024 * 1024;
  private int batchSize = 100;
  private Duration confirmTimeout = Duration.ofSeconds(10);
  private Duration connectionTimeout = Duration.ofSeconds(5);
  private Duration initialBackoff = Duration.ofMillis(100);
  private Duration maxBackoff = Duration.ofSeconds(5);
  private int maxAttempts = 5;
  private Duration shutdownTimeout = Duration.ofSeconds(10);
  private Resource observer = Resource.reference("target");
  private boolean shutdownHook = true;
  private @Nullable Publisher publisher;

  AuditorBuilder() {}

  /**
   * Publishes through a connection of this factory, on a channel of the Auditor's own that it puts
   * in confirm mode; the factory's confirm and return settings do not matter. The Auditor does not
   * close it.
   */
  public AuditorBuilder connectionFactory(ConnectionFactory connectionFactory) {
    this.connectionFactory = connectionFactory;
    return this;
  }

  /**
   * Publishes through its own connection to this {@code amqp://} or {@code amqps://} URI, closed
   * with the Auditor. The URI's password never appears in logs or messages.
   */
  public AuditorBuilder rabbitUri(String uri) {
    this.rabbitUri = uri;
    return this;
  }

  /** The queue that receives the events; required. */
  public AuditorBuilder queueName(String queueName) {
    this.queueName = queueName;
    return this;
  }

  /** The exchange; default the default exchange {@code ""}. */
  public AuditorBuilder exchange(String exchange) {
    this.exchange = exchange;
    return this;
  }

  /** The routing key; default the queue name. */
  public AuditorBuilder routingKey(String routingKey) {
    this.routingKey = routingKey;
    return this;
  }

  /** Type of the declared queue; default classic. */
  public AuditorBuilder queueType(QueueType queueType) {
    this.queueType = queueType;
    return this;
  }

  /** Whether to declare the durable queue; switch off for brokers managed elsewhere. Default on. */
  public AuditorBuilder declareQueue(boolean declareQueue) {
    this.declareQueue = declareQueue;
    return this;
  }

  /** Message body format; default plain CADF. */
  public AuditorBuilder messageFormat(MessageFormat messageFormat) {
    this.messageFormat = messageFormat;
    return this;
  }

  /** {@code publisher_id} of oslo notifications; default {@code audit-relay}. */
  public AuditorBuilder osloPublisherId(String osloPublisherId) {
    this.osloPublisherId = osloPublisherId;
    return this;
  }

  /** {@code event_type} of oslo notifications; default {@code audit.http.request}. */
  public AuditorBuilder osloEventType(String osloEventType) {
    this.osloEventType = osloEventType;
    return this;
  }

  /** Where events wait while the broker is away; default a memory store of 10000 events. */
  public AuditorBuilder backingStore(BackingStore backingStore) {
    this.backingStore = backingStore;
    return this;
  }

  /** Whether {@link Auditor#close()} closes the store; default true. */
  public AuditorBuilder closeStore(boolean closeStore) {
    this.closeStore = closeStore;
    return this;
  }

  /** Source of event times; default the UTC system clock. */
  public AuditorBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Registry for the {@code audit.*} meters; default a private simple registry. */
  public AuditorBuilder meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  /**
   * Name of this Auditor: its thread name and the {@code auditor} meter tag. Default {@code
   * default}.
   */
  public AuditorBuilder name(String name) {
    this.name = name;
    return this;
  }

  public AuditorBuilder deliveryMode(DeliveryMode deliveryMode) {
    this.deliveryMode = deliveryMode;
    return this;
  }

  /** Capacity of the hand-off queue between {@code record()} and the delivery thread. */
  public AuditorBuilder queueCapacity(int queueCapacity) {
    this.queueCapacity = queueCapacity;
    return this;
  }

  public AuditorBuilder overflowPolicy(OverflowPolicy overflowPolicy) {
    this.overflowPolicy = overflowPolicy;
    return this;
  }

  /** How long {@code record()} waits for room under {@link OverflowPolicy#BLOCK}. */
  public AuditorBuilder overflowTimeout(Duration overflowTimeout) {
    this.overflowTimeout = overflowTimeout;
    return this;
  }

  /** Largest serialized event {@code record()} accepts, in bytes; default 1 MiB. */
  public AuditorBuilder maxEventSize(int maxEventSize) {
    this.maxEventSize = maxEventSize;
    return this;
  }

  /**
   * Events per published batch; default 100. Up to ten batches are in flight at once, and a drain
   * claims up to ten batches at a time.
   */
  public AuditorBuilder batchSize(int batchSize) {
    this.batchSize = batchSize;
    return this;
  }

  /** How long to wait for a batch's confirms before treating them as not delivered. */
  public AuditorBuilder confirmTimeout(Duration confirmTimeout) {
    this.confirmTimeout = confirmTimeout;
    return this;
  }

  /** TCP connection timeout of a connection built from {@link #rabbitUri}; default 5 s. */
  public AuditorBuilder connectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
    return this;
  }

  /** First retry delay after the broker failed; doubles up to {@link #maxBackoff}. */
  public AuditorBuilder initialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
    return this;
  }

  /** Longest retry delay while the broker is away; default 5 s. */
  public AuditorBuilder maxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
    return this;
  }

  /** Rejections of one stored event before it is quarantined; default 5. */
  public AuditorBuilder maxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** How long {@link Auditor#close()} may take to publish or store what was accepted. */
  public AuditorBuilder shutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /**
   * Observer given to events that name none; default the OpenStack idiom {@code {"id":"target"}}.
   */
  public AuditorBuilder observer(Resource observer) {
    this.observer = observer;
    return this;
  }

  /** Whether to close the Auditor from a JVM shutdown hook; default true (off under Spring). */
  public AuditorBuilder shutdownHook(boolean shutdownHook) {
    this.shutdownHook = shutdownHook;
    return this;
  }

  /** Replaces the RabbitMQ publisher; for tests of the delivery logic. */
  AuditorBuilder publisher(Publisher publisher) {
    this.publisher = publisher;
    return this;
  }

  /**
   * Builds and starts the Auditor. It connects lazily: a broker that is down does not fail this
   * call, events are buffered until it is back.
   *
   * @throws IllegalArgumentException naming the setting that is missing or invalid
   */
  public Auditor build() {
    if (queueName == null || queueName.isBlank()) {
      throw new IllegalArgumentException(
          "queueName is required (audit.rabbitmq.queue-name, AUDIT_RABBITMQ_QUEUE_NAME)");
    }
    positive("queueCapacity", queueCapacity);
    positive("maxEventSize", maxEventSize);
    positive("batchSize", batchSize);
    positive("maxAttempts", maxAttempts);
    positive("overflowTimeout", overflowTimeout);
    positive("confirmTimeout", confirmTimeout);
    positive("initialBackoff", initialBackoff);
    positive("maxBackoff", maxBackoff);
    positive("shutdownTimeout", shutdownTimeout);
    BackingStore store =
        backingStore != null
            ? backingStore
            : new MemoryBackingStore(MemoryBackingStoreFactory.DEFAULT_MAX_EVENTS, clock);
    if (deliveryMode == DeliveryMode.TRANSACTIONAL
        && !(store instanceof TransactionalBackingStore)) {
      throw new IllegalArgumentException(
          "deliveryMode TRANSACTIONAL (audit.delivery-mode=transactional) needs a store that can"
              + " join the caller's transaction, such as the sql store on the application's"
              + " DataSource; the "
              + store.type()
              + " store cannot. Use write-ahead or buffer-on-failure with this store");
    }
    MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
    Settings settings =
        new Settings(
            name,
            clock,
            observer,
            maxEventSize,
            new WireFormat(messageFormat, osloPublisherId, osloEventType),
            overflowPolicy,
            overflowTimeout,
            shutdownTimeout,
            deliveryMode,
            store,
            closeStore,
            shutdownHook);
    ArrayBlockingQueue<Pending> handoff = new ArrayBlockingQueue<>(queueCapacity);
    Publisher publisher = this.publisher != null ? this.publisher : rabbitPublisher();
    AuditMetrics metrics = new AuditMetrics(registry, name, store, handoff::size, clock);
    DeliveryLoop loop =
        new DeliveryLoop(
            handoff,
            publisher,
            store,
            deliveryMode,
            batchSize,
            maxAttempts,
            new Backoff(initialBackoff, maxBackoff, new SplittableRandom()),
            new Backoff(initialBackoff, maxBackoff, new SplittableRandom()),
            metrics);
    return new DefaultAuditor(settings, handoff, publisher, metrics, loop);
  }

  private Publisher rabbitPublisher() {
    boolean ownsFactory = connectionFactory == null;
    ConnectionFactory factory = connectionFactory != null ? connectionFactory : ownFactory();
    return new RabbitPublisher(
        factory,
        ownsFactory,
        queueName,
        queueType,
        declareQueue,
        exchange,
        routingKey != null ? routingKey : queueName,
        confirmTimeout,
        clock);
  }

  private ConnectionFactory ownFactory() {
    if (rabbitUri == null || rabbitUri.isBlank()) {
      throw new IllegalArgumentException(
          "A broker is required: set rabbitUri (audit.rabbitmq.url, AUDIT_RABBITMQ_URL) or a ConnectionFactory");
    }
    URI uri;
    try {
      uri = new URI(rabbitUri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "rabbitUri is not a valid URI: "
              + Secrets.maskUrl(rabbitUri)
              + " (expected amqp://user:password@host:5672/vhost)");
    }
    if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "rabbitUri must start with amqp:// or amqps://, not " + Secrets.maskUrl(rabbitUri));
    }
    CachingConnectionFactory factory;
    try {
      factory = new CachingConnectionFactory(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("rabbitUri is not usable: " + Secrets.maskUrl(rabbitUri));
    }
    factory.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, connectionTimeout.toMillis()));
    factory.setConnectionNameStrategy(cf -> "audit-relay-" + name);
    // Spring AMQP's own executor for closing channels has non-daemon threads that are only shut
    // down by a ContextClosedEvent: outside Spring they kept the JVM alive for a minute after
    // close(). Daemon threads of ours, which outlive nothing. When the broker closed a channel
    // (a 404 or 406), returning it to the cache waits for its confirms and throws: the channel
    // is gone and its messages are already counted as not confirmed, so that is only logged.
    factory.setExecutor(
        java.util.concurrent.Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "audit-amqp-" + name);
              thread.setDaemon(true);
              thread.setUncaughtExceptionHandler(
                  (t, e) ->
                      log.debug("AMQP client task on {} failed: {}", t.getName(), e.toString()));
              return thread;
            }));
    return factory;
  }

  private static void positive(String setting, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(setting + " must be positive, not " + value);
    }
  }

  private static void positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(setting + " must be a positive duration, not " + value);
    }
  }

  /** The settings the Auditor itself keeps. */
  record Settings(
      String name,
      Clock clock,
      Resource observer,
      int maxEventSize,
      WireFormat wireFormat,
      OverflowPolicy overflowPolicy,
      Duration overflowTimeout,
      Duration shutdownTimeout,
      DeliveryMode mode,
      BackingStore store,
      boolean closeStore,
      boolean shutdownHook) {}
}
