package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.DeliveryMode;
import io.auditrelay.core.MessageFormat;
import io.auditrelay.core.OverflowPolicy;
import io.auditrelay.core.QueueType;
import io.auditrelay.core.SaslMechanism;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory.AddressShuffleMode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of Audit Relay. Every property can also be set from the environment through
 * Spring's relaxed binding, for example {@code AUDIT_BACKING_STORE} or {@code
 * AUDIT_RABBITMQ_QUEUE_NAME}.
 */
@ConfigurationProperties("audit")
public class AuditProperties {

  /** Whether auditing is enabled. When false, a no-op Auditor is provided. */
  private boolean enabled = true;

  /**
   * Backing store as JSON, for example {"type":"file","params":{"directory":"/var/lib/app/audit"}}.
   * Defaults to the memory store.
   */
  private @Nullable String backingStore;

  /** When events go to the backing store. */
  private @Nullable DeliveryMode deliveryMode;

  private final Rabbitmq rabbitmq = new Rabbitmq();

  private final Overflow overflow = new Overflow();

  private final Drain drain = new Drain();

  private final Publish publish = new Publish();

  private final Shutdown shutdown = new Shutdown();

  private final Observer observer = new Observer();

  private final Sql sql = new Sql();

  private final Web web = new Web();

  private final Security security = new Security();

  private final Integrity integrity = new Integrity();

  private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getBackingStore() {
    return backingStore;
  }

  public void setBackingStore(@Nullable String backingStore) {
    this.backingStore = backingStore;
  }

  public @Nullable DeliveryMode getDeliveryMode() {
    return deliveryMode;
  }

  public void setDeliveryMode(@Nullable DeliveryMode deliveryMode) {
    this.deliveryMode = deliveryMode;
  }

  public Rabbitmq getRabbitmq() {
    return rabbitmq;
  }

  public Overflow getOverflow() {
    return overflow;
  }

  public Drain getDrain() {
    return drain;
  }

  public Publish getPublish() {
    return publish;
  }

  public Shutdown getShutdown() {
    return shutdown;
  }

  public Observer getObserver() {
    return observer;
  }

  public Sql getSql() {
    return sql;
  }

  public Web getWeb() {
    return web;
  }

  public Health getHealth() {
    return health;
  }

  public Integrity getIntegrity() {
    return integrity;
  }

  public Security getSecurity() {
    return security;
  }

  /** The broker and the queue. */
  public static class Rabbitmq {

    /**
     * AMQP URI of Audit Relay's own connection, amqp:// or amqps://, parsed strictly:
     * percent-encode reserved characters of the user and password, or set the password on its own.
     * When no connection setting of audit.rabbitmq is given, the application's spring.rabbitmq
     * connection is used.
     */
    private @Nullable String url;

    /**
     * Brokers of Audit Relay's own connection as host[:port] entries (a cluster), tried in turn;
     * instead of url or hostname.
     */
    private @Nullable List<String> addresses;

    /** Order in which the addresses are tried on each connect. */
    private @Nullable AddressShuffleMode addressShuffleMode;

    /** How Audit Relay's own connection authenticates. */
    private @Nullable SaslMechanism saslMechanism;

    /** TLS of Audit Relay's own connection. */
    private final Ssl ssl = new Ssl();

    /** Host of Audit Relay's own connection (go-bits style, instead of url). */
    private @Nullable String hostname;

    /** Port of Audit Relay's own connection. */
    private @Nullable Integer port;

    /** User of Audit Relay's own connection. */
    private @Nullable String username;

    /** Password of Audit Relay's own connection. */
    private @Nullable String password;

    /** Virtual host of Audit Relay's own connection. */
    private @Nullable String virtualHost;

    /** Queue that receives the events. Required when auditing is enabled. */
    private @Nullable String queueName;

    /** Type of the declared queue. */
    private @Nullable QueueType queueType;

    /** Whether to declare the durable queue. Switch off for brokers managed elsewhere. */
    private @Nullable Boolean declareQueue;

    /**
     * Whether messages carry the AMQP timestamp property (the time of publishing). Classic queues
     * then track their oldest message's timestamp, which costs the broker CPU for every message.
     */
    private @Nullable Boolean messageTimestamp;

    /** Exchange to publish to; empty for the default exchange. */
    private @Nullable String exchange;

    /** Routing key; defaults to the queue name. */
    private @Nullable String routingKey;

    /** Format of the message body. */
    private @Nullable MessageFormat messageFormat;

    /** publisher_id of oslo notifications. */
    private @Nullable String osloPublisherId;

    /** event_type of oslo notifications. */
    private @Nullable String osloEventType;

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public @Nullable List<String> getAddresses() {
      return addresses;
    }

    public void setAddresses(@Nullable List<String> addresses) {
      this.addresses = addresses;
    }

    public @Nullable AddressShuffleMode getAddressShuffleMode() {
      return addressShuffleMode;
    }

    public void setAddressShuffleMode(@Nullable AddressShuffleMode addressShuffleMode) {
      this.addressShuffleMode = addressShuffleMode;
    }

    public @Nullable SaslMechanism getSaslMechanism() {
      return saslMechanism;
    }

    public void setSaslMechanism(@Nullable SaslMechanism saslMechanism) {
      this.saslMechanism = saslMechanism;
    }

    public Ssl getSsl() {
      return ssl;
    }

    public @Nullable String getHostname() {
      return hostname;
    }

    public void setHostname(@Nullable String hostname) {
      this.hostname = hostname;
    }

    public @Nullable Integer getPort() {
      return port;
    }

    public void setPort(@Nullable Integer port) {
      this.port = port;
    }

    public @Nullable String getUsername() {
      return username;
    }

    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    public @Nullable String getPassword() {
      return password;
    }

    public void setPassword(@Nullable String password) {
      this.password = password;
    }

    public @Nullable String getVirtualHost() {
      return virtualHost;
    }

    public void setVirtualHost(@Nullable String virtualHost) {
      this.virtualHost = virtualHost;
    }

    public @Nullable String getQueueName() {
      return queueName;
    }

    public void setQueueName(@Nullable String queueName) {
      this.queueName = queueName;
    }

    public @Nullable QueueType getQueueType() {
      return queueType;
    }

    public void setQueueType(@Nullable QueueType queueType) {
      this.queueType = queueType;
    }

    public @Nullable Boolean getDeclareQueue() {
      return declareQueue;
    }

    public void setDeclareQueue(@Nullable Boolean declareQueue) {
      this.declareQueue = declareQueue;
    }

    public @Nullable Boolean getMessageTimestamp() {
      return messageTimestamp;
    }

    public void setMessageTimestamp(@Nullable Boolean messageTimestamp) {
      this.messageTimestamp = messageTimestamp;
    }

    public @Nullable String getExchange() {
      return exchange;
    }

    public void setExchange(@Nullable String exchange) {
      this.exchange = exchange;
    }

    public @Nullable String getRoutingKey() {
      return routingKey;
    }

    public void setRoutingKey(@Nullable String routingKey) {
      this.routingKey = routingKey;
    }

    public @Nullable MessageFormat getMessageFormat() {
      return messageFormat;
    }

    public void setMessageFormat(@Nullable MessageFormat messageFormat) {
      this.messageFormat = messageFormat;
    }

    public @Nullable String getOsloPublisherId() {
      return osloPublisherId;
    }

    public void setOsloPublisherId(@Nullable String osloPublisherId) {
      this.osloPublisherId = osloPublisherId;
    }

    public @Nullable String getOsloEventType() {
      return osloEventType;
    }

    public void setOsloEventType(@Nullable String osloEventType) {
      this.osloEventType = osloEventType;
    }

    /** Whether any setting of Audit Relay's own connection is given. */
    boolean hasOwnConnection() {
      return url != null
          || addresses != null
          || ssl.getEnabled() != null
          || ssl.getBundle() != null
          || (saslMechanism != null && saslMechanism != SaslMechanism.PLAIN)
          || hostname != null
          || port != null
          || username != null
          || password != null
          || virtualHost != null;
    }
  }

  /** TLS of Audit Relay's own connection, as Boot's spring.rabbitmq.ssl. */
  public static class Ssl {

    /**
     * Whether to use TLS; default on with an amqps:// url or a bundle. The server's certificate is
     * verified against the bundle's trust store, else the JVM's.
     */
    private @Nullable Boolean enabled;

    /** SSL bundle (spring.ssl.bundle.*) with the trust store and, for mutual TLS, the key store. */
    private @Nullable String bundle;

    /** Whether the server's certificate must name the host connected to. */
    private @Nullable Boolean verifyHostname;

    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getBundle() {
      return bundle;
    }

    public void setBundle(@Nullable String bundle) {
      this.bundle = bundle;
    }

    public @Nullable Boolean getVerifyHostname() {
      return verifyHostname;
    }

    public void setVerifyHostname(@Nullable Boolean verifyHostname) {
      this.verifyHostname = verifyHostname;
    }
  }

  /** What record() does when the hand-off queue is full. */
  public static class Overflow {

    /** Block (up to the timeout, then throw) or fail (throw at once). */
    private @Nullable OverflowPolicy policy;

    /** How long record() waits for room under the block policy. */
    private @Nullable Duration timeout;

    /** Capacity of the hand-off queue between record() and the delivery thread, in events. */
    private @Nullable Integer queueCapacity;

    public @Nullable OverflowPolicy getPolicy() {
      return policy;
    }

    public void setPolicy(@Nullable OverflowPolicy policy) {
      this.policy = policy;
    }

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }

    public @Nullable Integer getQueueCapacity() {
      return queueCapacity;
    }

    public void setQueueCapacity(@Nullable Integer queueCapacity) {
      this.queueCapacity = queueCapacity;
    }
  }

  /** Replay of the backing store. */
  public static class Drain {

    /** First retry delay after the broker failed; doubles up to max-backoff, with jitter. */
    private @Nullable Duration initialBackoff;

    /** Longest retry delay while the broker is away. */
    private @Nullable Duration maxBackoff;

    /** Rejections of one stored event by the broker before it is quarantined. */
    private @Nullable Integer maxAttempts;

    public @Nullable Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(@Nullable Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public @Nullable Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(@Nullable Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public @Nullable Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(@Nullable Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }

  /** Publishing. */
  public static class Publish {

    /** Events per published batch; up to ten batches in flight, a drain claims up to ten. */
    private @Nullable Integer batchSize;

    /** How long to wait for a batch's confirms before treating them as not delivered. */
    private @Nullable Duration confirmTimeout;

    /** TCP connection timeout of Audit Relay's own connection. */
    private @Nullable Duration connectionTimeout;

    /** Largest serialized event record() accepts. */
    private @Nullable DataSize maxEventSize;

    public @Nullable Integer getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(@Nullable Integer batchSize) {
      this.batchSize = batchSize;
    }

    public @Nullable Duration getConfirmTimeout() {
      return confirmTimeout;
    }

    public void setConfirmTimeout(@Nullable Duration confirmTimeout) {
      this.confirmTimeout = confirmTimeout;
    }

    public @Nullable Duration getConnectionTimeout() {
      return connectionTimeout;
    }

    public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
    }

    public @Nullable DataSize getMaxEventSize() {
      return maxEventSize;
    }

    public void setMaxEventSize(@Nullable DataSize maxEventSize) {
      this.maxEventSize = maxEventSize;
    }
  }

  /** The sql store. */
  public static class Sql {

    /**
     * Whether the sql store creates and upgrades its tables with its own Flyway. False when your
     * own migrations create them (scripts in docs/sql-store.md); same as the store param
     * skip_migration.
     */
    private boolean migrate = true;

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }
  }

  /** Shutdown. */
  public static class Shutdown {

    /** How long shutdown may take to publish or store what was accepted. */
    private @Nullable Duration timeout;

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** Thresholds of the backlog that change the status of the {@code audit} health component. */
  public static class Health {

    /** Age of the oldest buffered event beyond which the component reports threshold-status. */
    private @Nullable Duration maxOldestAge;

    /** Number of buffered events beyond which the component reports threshold-status. */
    private @Nullable Long maxBacklogEvents;

    /** Status reported while a threshold is exceeded: DOWN or OUT_OF_SERVICE. */
    private String thresholdStatus = "DOWN";

    public @Nullable Duration getMaxOldestAge() {
      return maxOldestAge;
    }

    public void setMaxOldestAge(@Nullable Duration maxOldestAge) {
      this.maxOldestAge = maxOldestAge;
    }

    public @Nullable Long getMaxBacklogEvents() {
      return maxBacklogEvents;
    }

    public void setMaxBacklogEvents(@Nullable Long maxBacklogEvents) {
      this.maxBacklogEvents = maxBacklogEvents;
    }

    public String getThresholdStatus() {
      return thresholdStatus;
    }

    public void setThresholdStatus(String thresholdStatus) {
      this.thresholdStatus = thresholdStatus;
    }
  }

  /** This service, as the observer of every event that names none. */
  public static class Observer {

    /** CADF resource type of this service. */
    private String typeUri = "service";

    /** Name of this service; defaults to spring.application.name. */
    private @Nullable String name;

    /**
     * Id of this service; defaults to the name. Unset with no name: the observer is
     * {"id":"target"}.
     */
    private @Nullable String id;

    public String getTypeUri() {
      return typeUri;
    }

    public void setTypeUri(String typeUri) {
      this.typeUri = typeUri;
    }

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public @Nullable String getId() {
      return id;
    }

    public void setId(@Nullable String id) {
      this.id = id;
    }
  }

  /** The verifiable trail: stamps, hash chain and signed checkpoints (docs/integrity.md). */
  public static class Integrity {

    /** Whether every event is stamped and chained, with checkpoints in the stream. */
    private boolean enabled;

    /**
     * Name of this producer's stream; defaults to the observer id (or spring.application.name) and
     * the host name, such as billing@pod-7. Each replica needs a stream of its own.
     */
    private @Nullable String stream;

    /** PEM file of the Ed25519 private key that signs checkpoints (PKCS #8). */
    private @Nullable Path keyFile;

    /** Key store (PKCS #12 or JKS) holding the Ed25519 key pair, instead of key-file. */
    private @Nullable Path keyStore;

    /** Password of key-store. */
    private @Nullable String keyStorePassword;

    /** Alias of the key pair in key-store. */
    private @Nullable String keyAlias;

    /** PEM files of keys used before key-file, whose stamps may still wait in the store. */
    private List<Path> previousKeyFiles = new ArrayList<>();

    /** A checkpoint after at most this many events. */
    private @Nullable Integer checkpointEvents;

    /** A checkpoint at least this often while events flow. */
    private @Nullable Duration checkpointInterval;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getStream() {
      return stream;
    }

    public void setStream(@Nullable String stream) {
      this.stream = stream;
    }

    public @Nullable Path getKeyFile() {
      return keyFile;
    }

    public void setKeyFile(@Nullable Path keyFile) {
      this.keyFile = keyFile;
    }

    public @Nullable Path getKeyStore() {
      return keyStore;
    }

    public void setKeyStore(@Nullable Path keyStore) {
      this.keyStore = keyStore;
    }

    public @Nullable String getKeyStorePassword() {
      return keyStorePassword;
    }

    public void setKeyStorePassword(@Nullable String keyStorePassword) {
      this.keyStorePassword = keyStorePassword;
    }

    public @Nullable String getKeyAlias() {
      return keyAlias;
    }

    public void setKeyAlias(@Nullable String keyAlias) {
      this.keyAlias = keyAlias;
    }

    public List<Path> getPreviousKeyFiles() {
      return previousKeyFiles;
    }

    public void setPreviousKeyFiles(List<Path> previousKeyFiles) {
      this.previousKeyFiles = previousKeyFiles;
    }

    public @Nullable Integer getCheckpointEvents() {
      return checkpointEvents;
    }

    public void setCheckpointEvents(@Nullable Integer checkpointEvents) {
      this.checkpointEvents = checkpointEvents;
    }

    public @Nullable Duration getCheckpointInterval() {
      return checkpointInterval;
    }

    public void setCheckpointInterval(@Nullable Duration checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
    }
  }

  /** Events built from HTTP requests. */
  public static class Web {

    /**
     * Proxies whose X-Forwarded-For header is trusted, as IP addresses or CIDR ranges. Empty: the
     * header is ignored and the peer address is recorded.
     */
    private List<String> trustedProxies = new ArrayList<>();

    public List<String> getTrustedProxies() {
      return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
    }

    /** Request auditing: one CADF event per audited HTTP request, with no code. */
    private final Requests requests = new Requests();

    public Requests getRequests() {
      return requests;
    }
  }

  /** Request auditing (audit.web.requests.*): see docs/request-auditing.md. */
  public static class Requests {

    /**
     * Whether a filter records one CADF event per audited request (Spring MVC and WebFlux). Off by
     * default, so that an application that records by hand is not audited twice.
     */
    private boolean enabled = false;

    /** The HTTP methods audited on every path; handlers annotated @AuditedRequest always are. */
    private List<String> methods = new ArrayList<>(List.of("POST", "PUT", "PATCH", "DELETE"));

    /** The path map: pattern, target type, target id variable and per-method actions. */
    private List<Route> paths = new ArrayList<>();

    /** Path patterns never audited (for example /actuator/health). */
    private List<String> exclude = new ArrayList<>();

    /** What happens to an audited request whose path nobody mapped: audit (default) or skip. */
    private Unmapped unmapped = Unmapped.AUDIT;

    /** The target type of an unmapped path's event; its id is the path. */
    private String unmappedTargetType = "unknown";

    /**
     * Whether a successful response to an audited method waits until its event is durable; when the
     * event is not durable within strict-timeout it is withdrawn and the answer is 503.
     */
    private boolean strict = false;

    /** How long a strict response waits for its event to be durable. */
    private Duration strictTimeout = Duration.ofSeconds(5);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getMethods() {
      return methods;
    }

    public void setMethods(List<String> methods) {
      this.methods = methods;
    }

    public List<Route> getPaths() {
      return paths;
    }

    public void setPaths(List<Route> paths) {
      this.paths = paths;
    }

    public List<String> getExclude() {
      return exclude;
    }

    public void setExclude(List<String> exclude) {
      this.exclude = exclude;
    }

    public Unmapped getUnmapped() {
      return unmapped;
    }

    public void setUnmapped(Unmapped unmapped) {
      this.unmapped = unmapped;
    }

    public String getUnmappedTargetType() {
      return unmappedTargetType;
    }

    public void setUnmappedTargetType(String unmappedTargetType) {
      this.unmappedTargetType = unmappedTargetType;
    }

    public boolean isStrict() {
      return strict;
    }

    public void setStrict(boolean strict) {
      this.strict = strict;
    }

    public Duration getStrictTimeout() {
      return strictTimeout;
    }

    public void setStrictTimeout(Duration strictTimeout) {
      this.strictTimeout = strictTimeout;
    }

    /** What to do with an audited request whose path matches no entry of the map. */
    public enum Unmapped {
      /** Record it with the unmapped target type and the path as id. */
      AUDIT,
      /** Record nothing. */
      SKIP
    }

    /** One entry of the path map. */
    public static class Route {

      /** The path pattern, Spring's syntax: /v1/projects/{id}, /v1/projects/{id}/**. */
      private String pattern = "";

      /** The CADF type of the target, from the resource taxonomy: data/security/project. */
      private String targetType = "";

      /**
       * The path variable that holds the target's id. Default: the pattern's last variable; a
       * pattern without variables uses the Location header of a 201 response, else the path.
       */
      private @Nullable String targetId;

      /** Actions by HTTP method, overriding the default (POST create, PUT update, ...). */
      private Map<String, String> actions = new LinkedHashMap<>();

      public String getPattern() {
        return pattern;
      }

      public void setPattern(String pattern) {
        this.pattern = pattern;
      }

      public String getTargetType() {
        return targetType;
      }

      public void setTargetType(String targetType) {
        this.targetType = targetType;
      }

      public @Nullable String getTargetId() {
        return targetId;
      }

      public void setTargetId(@Nullable String targetId) {
        this.targetId = targetId;
      }

      public Map<String, String> getActions() {
        return actions;
      }

      public void setActions(Map<String, String> actions) {
        this.actions = actions;
      }
    }
  }

  /** Spring Security's events. */
  public static class Security {

    /**
     * Whether Spring Security's login success and failure, logout and denied authorizations are
     * recorded as CADF events (needs Actuator on the class path).
     */
    private boolean events = true;

    public boolean isEvents() {
      return events;
    }

    public void setEvents(boolean events) {
      this.events = events;
    }
  }
}
