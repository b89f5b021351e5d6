package io.auditrelay.core;

import io.auditrelay.cadf.Resource;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.TransactionalBackingStore;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory.AddressShuffleMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Builds an {@link Auditor} without Spring. Only the queue name and a broker (a {@link
 * ConnectionFactory} or an AMQP URI) are required; every other setting has a working default.
 *
 * <pre>{@code
 * Auditor auditor = Auditor.builder()
 *     .rabbitUri("amqps://audit@rabbit.example.com:5671")
 *     .rabbitPassword(System.getenv("AUDIT_RABBITMQ_PASSWORD"))
 *     .queueName("audit-events")
 *     .backingStore(myStore)
 *     .build();
 * }</pre>
 *
 * Not thread-safe; an Auditor it builds is.
 */
public final class AuditorBuilder {

  private @Nullable ConnectionFactory connectionFactory;
  private @Nullable String rabbitUri;
  private @Nullable String rabbitAddresses;
  private @Nullable String rabbitUsername;
  private @Nullable String rabbitPassword;
  private @Nullable String rabbitVirtualHost;
  private boolean tls;
  private @Nullable SSLContext sslContext;
  private boolean verifyHostname = true;
  private AddressShuffleMode addressShuffleMode = AddressShuffleMode.NONE;
  private SaslMechanism saslMechanism = SaslMechanism.PLAIN;
  private @Nullable String queueName;
  private String exchange = "";
  private @Nullable String routingKey;
  private QueueType queueType = QueueType.CLASSIC;
  private boolean declareQueue = true;
  private boolean messageTimestamp = true;
  private MessageFormat messageFormat = MessageFormat.CADF;
  private @Nullable Integrity integrity;
  private String osloPublisherId = "audit-relay";
  private String osloEventType = "audit.http.request";
  private @Nullable BackingStore backingStore;
  private boolean closeStore = true;
  private Clock clock = Clock.systemUTC();
  private @Nullable MeterRegistry meterRegistry;
  private @Nullable ObservationRegistry observationRegistry;
  private String name = "default";
  private DeliveryMode deliveryMode = DeliveryMode.BUFFER_ON_FAILURE;
  private int queueCapacity = 10_000;
  private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;
  private Duration overflowTimeout = Duration.ofSeconds(5);
  private long maxEventSize = 1024 * 1024;
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
   * with the Auditor. The URI is parsed strictly (RabbitMQ's URI specification): one without a
   * host, with an unencoded reserved character in the user name or password ({@code /}, {@code @},
   * {@code #}, {@code ?}, a space), with a fragment or an unknown query parameter fails {@link
   * #build()}; it is never repaired into another host or user. The password never appears in logs
   * or messages; setting it with {@link #rabbitPassword} keeps it out of the URI altogether. {@code
   * amqps://} verifies the server's certificate and host name (see {@link #sslContext}).
   */
  public AuditorBuilder rabbitUri(String uri) {
    this.rabbitUri = uri;
    return this;
  }

  /**
   * Publishes through its own connection to the first of these brokers that accepts it, such as
   * {@code rabbit-1:5671,rabbit-2:5671} ({@code host[:port]} entries separated by commas; the port
   * defaults to 5672, or 5671 with TLS). A node that is down is skipped on connect and on every
   * reconnect. Instead of {@link #rabbitUri}.
   */
  public AuditorBuilder rabbitAddresses(String addresses) {
    this.rabbitAddresses = addresses;
    return this;
  }

  /** The order in which {@link #rabbitAddresses} are tried; default the order given. */
  public AuditorBuilder addressShuffleMode(AddressShuffleMode addressShuffleMode) {
    this.addressShuffleMode = Objects.requireNonNull(addressShuffleMode, "addressShuffleMode");
    return this;
  }

  /** User of the own connection; default the URI's, else {@code guest}. */
  public AuditorBuilder rabbitUsername(String username) {
    this.rabbitUsername = username;
    return this;
  }

  /** Password of the own connection; default the URI's, else {@code guest}. Never logged. */
  public AuditorBuilder rabbitPassword(String password) {
    this.rabbitPassword = password;
    return this;
  }

  /** Virtual host of the own connection; default the URI's, else {@code /}. */
  public AuditorBuilder rabbitVirtualHost(String virtualHost) {
    this.rabbitVirtualHost = virtualHost;
    return this;
  }

  /**
   * Whether the own connection uses TLS even when the URI is {@code amqp://} or addresses are
   * given; {@code amqps://} and {@link #sslContext} switch it on too. Default off.
   */
  public AuditorBuilder tls(boolean tls) {
    this.tls = tls;
    return this;
  }

  /**
   * The TLS context of the own connection (trust store and, for mutual TLS, the client key);
   * switches TLS on. Default, when TLS is on: the JVM's default context, which verifies the
   * server's certificate chain against the JVM's trust store.
   */
  public AuditorBuilder sslContext(SSLContext sslContext) {
    this.sslContext = sslContext;
    return this;
  }

  /**
   * Whether the server's certificate must name the host connected to; default true. Switching it
   * off lets any server whose certificate the trust store accepts pose as the broker.
   */
  public AuditorBuilder verifyHostname(boolean verifyHostname) {
    this.verifyHostname = verifyHostname;
    return this;
  }

  /** How the own connection authenticates; default {@link SaslMechanism#PLAIN}. */
  public AuditorBuilder saslMechanism(SaslMechanism saslMechanism) {
    this.saslMechanism = Objects.requireNonNull(saslMechanism, "saslMechanism");
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

  /**
   * Whether each message carries the AMQP {@code timestamp} property, the time it was published (a
   * drained event's is the time of its drain; the event's own time is its {@code eventTime}).
   * Default on. RabbitMQ's classic queues then track their oldest message's timestamp (the {@code
   * head_message_timestamp} of the management API, for alerts on consumer lag), which costs the
   * broker CPU for every message: switch it off where broker throughput matters more.
   */
  public AuditorBuilder messageTimestamp(boolean messageTimestamp) {
    this.messageTimestamp = messageTimestamp;
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

  /**
   * Registry of the observations {@code audit.record} (around each {@code record()}) and {@code
   * audit.publish} (around each publish of a batch); with tracing handlers in it, the trace context
   * of {@code record()} travels with the event and is sent as message headers ({@code traceparent},
   * {@code tracestate}). Default: none.
   */
  public AuditorBuilder observationRegistry(ObservationRegistry observationRegistry) {
    this.observationRegistry = observationRegistry;
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
  public AuditorBuilder maxEventSize(long maxEventSize) {
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

  /**
   * Makes the trail verifiable: every event stamped with its stream, sequence, the hash of the one
   * before and a MAC, and signed checkpoints in the stream (see {@link Integrity}). Off by default.
   * In the oslo formats the stamp and the chain are over the CADF event inside the envelope. In
   * {@link DeliveryMode#TRANSACTIONAL} an event is stamped when it is drained (it is inserted
   * sealed, see {@link io.auditrelay.integrity.PendingStamp}), and its stamped bytes are stored
   * before they are published.
   */
  public AuditorBuilder integrity(@Nullable Integrity integrity) {
    this.integrity = integrity;
    return this;
  }

  /** A test seam: replaces the RabbitMQ publisher, for the tests of the delivery logic. */
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
          "queueName is required: set it to the queue that receives the audit events");
    }
    positive("queueCapacity", queueCapacity);
    if (maxEventSize < 1 || maxEventSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxEventSize must be a positive size up to 2147483647 bytes (2GB), not "
              + maxEventSize
              + " bytes");
    }
    positive("batchSize", batchSize);
    positive("maxAttempts", maxAttempts);
    positive("overflowTimeout", overflowTimeout);
    positive("confirmTimeout", confirmTimeout);
    positive("connectionTimeout", connectionTimeout);
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
          "deliveryMode is TRANSACTIONAL, which needs a store that can"
              + " join the caller's transaction, such as the sql store on the application's"
              + " DataSource; the "
              + store.type()
              + " store cannot. Use write-ahead or buffer-on-failure with this store");
    }
    holdsTheLargestEvent(store);
    WireFormat wire = new WireFormat(messageFormat, osloPublisherId, osloEventType);
    Stamper stamper = integrity == null ? null : new Stamper(integrity, observer, clock, wire);
    MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
    Tracing tracing =
        observationRegistry == null
            ? Tracing.NONE
            : new Tracing(observationRegistry, name, store.type());
    Settings settings =
        new Settings(
            name,
            clock,
            observer,
            (int) maxEventSize,
            wire,
            overflowPolicy,
            overflowTimeout,
            shutdownTimeout,
            deliveryMode,
            store,
            closeStore,
            shutdownHook,
            stamper,
            tracing);
    Handoff handoff = new Handoff(queueCapacity);
    Publisher publisher =
        this.publisher != null ? this.publisher : rabbitPublisher(tracing.enabled());
    AuditMetrics metrics =
        new AuditMetrics(registry, name, store, handoff::size, publisher::connected, clock);
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
            metrics,
            stamper,
            stamper == null
                ? null
                : new DrainCheck(
                    stamper,
                    integrity.previousKeys(),
                    store instanceof TransactionalBackingStore,
                    deliveryMode != DeliveryMode.TRANSACTIONAL),
            tracing);
    return new DefaultAuditor(settings, handoff, publisher, metrics, loop);
  }

  /**
   * Refuses a store that could never hold an event of {@code maxEventSize}: such an event would be
   * accepted and then never fit, so delivery would wedge.
   */
  private void holdsTheLargestEvent(BackingStore store) {
    store
        .largestEvent()
        .filter(limit -> limit.bytes() < maxEventSize)
        .ifPresent(
            limit -> {
              throw new IllegalArgumentException(
                  "The "
                      + store.type()
                      + " store cannot hold an event of maxEventSize ("
                      + maxEventSize
                      + " bytes): its "
                      + limit.param()
                      + " leaves room for "
                      + limit.bytes()
                      + " bytes per event at most; raise "
                      + limit.param()
                      + " in the store's params, or lower maxEventSize");
            });
  }

  private Publisher rabbitPublisher(boolean traceHeaders) {
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
        clock,
        traceHeaders,
        messageTimestamp);
  }

  private ConnectionFactory ownFactory() {
    return ownConnection().create();
  }

  /** The settings of the own connection, as given. */
  OwnConnection ownConnection() {
    return new OwnConnection(
        blankToNull(rabbitUri),
        blankToNull(rabbitAddresses),
        rabbitUsername,
        rabbitPassword,
        rabbitVirtualHost,
        tls,
        sslContext,
        verifyHostname,
        addressShuffleMode,
        saslMechanism,
        connectionTimeout,
        name);
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
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
      boolean shutdownHook,
      @Nullable Stamper stamper,
      Tracing tracing) {}
}
