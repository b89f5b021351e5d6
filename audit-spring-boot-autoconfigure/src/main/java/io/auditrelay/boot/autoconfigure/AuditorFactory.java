package io.auditrelay.boot.autoconfigure;

import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorBuilder;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.store.BackingStore;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.unit.DataSize;

/** Turns {@link AuditProperties} into an {@link Auditor}, checking every value with its name. */
final class AuditorFactory {

  private final AuditProperties properties;
  private final @Nullable String applicationName;

  private final @Nullable SettingSources sources;

  AuditorFactory(AuditProperties properties, @Nullable String applicationName) {
    this(properties, applicationName, null);
  }

  /** With {@code sources}, errors name where each value came from. */
  AuditorFactory(
      AuditProperties properties,
      @Nullable String applicationName,
      @Nullable SettingSources sources) {
    this.properties = properties;
    this.applicationName = applicationName;
    this.sources = sources;
  }

  Auditor create(BackingStore store, List<AuditorBuilderCustomizer> customizers) {
    AuditProperties.Rabbitmq rabbit = properties.getRabbitmq();
    if (rabbit.getQueueName() == null || rabbit.getQueueName().isBlank()) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.queue-name (env AUDIT_RABBITMQ_QUEUE_NAME) is required when auditing is"
              + " enabled: set it to the queue that receives the audit events, or set"
              + " audit.enabled=false (env AUDIT_ENABLED=false)");
    }
    AuditorBuilder builder =
        Auditor.builder()
            .name("default")
            .backingStore(store)
            .closeStore(false) // the store is a bean; Spring closes it after the Auditor
            .shutdownHook(false) // the application context stops the Auditor
            .observer(observer());
    // Only what is set: every default is the builder's, which also validates every value.
    PropertyMapper map = PropertyMapper.get();
    map.from(rabbit::getQueueName).to(builder::queueName);
    map.from(rabbit::getQueueType).to(builder::queueType);
    map.from(rabbit::getDeclareQueue).to(builder::declareQueue);
    map.from(rabbit::getMessageTimestamp).to(builder::messageTimestamp);
    map.from(rabbit::getExchange).to(builder::exchange);
    map.from(rabbit::getRoutingKey).to(builder::routingKey);
    map.from(rabbit::getMessageFormat).to(builder::messageFormat);
    map.from(rabbit::getOsloPublisherId).to(builder::osloPublisherId);
    map.from(rabbit::getOsloEventType).to(builder::osloEventType);
    map.from(properties::getDeliveryMode).to(builder::deliveryMode);
    AuditProperties.Overflow overflow = properties.getOverflow();
    map.from(overflow::getPolicy).to(builder::overflowPolicy);
    map.from(overflow::getTimeout).to(builder::overflowTimeout);
    map.from(overflow::getQueueCapacity).to(builder::queueCapacity);
    AuditProperties.Publish publish = properties.getPublish();
    map.from(publish::getBatchSize).to(builder::batchSize);
    map.from(publish::getConfirmTimeout).to(builder::confirmTimeout);
    map.from(publish::getConnectionTimeout).to(builder::connectionTimeout);
    map.from(publish::getMaxEventSize).as(DataSize::toBytes).to(builder::maxEventSize);
    AuditProperties.Drain drain = properties.getDrain();
    map.from(drain::getInitialBackoff).to(builder::initialBackoff);
    map.from(drain::getMaxBackoff).to(builder::maxBackoff);
    map.from(drain::getMaxAttempts).to(builder::maxAttempts);
    map.from(properties.getShutdown()::getTimeout).to(builder::shutdownTimeout);
    if (properties.getIntegrity().isEnabled()) {
      builder.integrity(integrity());
    }
    customizers.forEach(customizer -> customizer.customize(builder));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      // The builder names its own settings: name the properties instead (its message is all
      // there is to say, so it is not kept as the cause: the report shows one message).
      throw new AuditConfigurationException(
          sources == null
              ? AuditSettingNames.translate(e.getMessage())
              : AuditSettingNames.translate(e.getMessage(), sources::describe));
    }
  }

  /**
   * The integrity settings of {@code audit.integrity.*}, with the keys read; errors name the
   * property, never a key's content or the key store's password.
   */
  Integrity integrity() {
    AuditProperties.Integrity p = properties.getIntegrity();
    try {
      Integrity.Builder builder =
          Integrity.builder(p.getStream() != null ? p.getStream() : stream());
      builder.signingKey(signingKey(p));
      List<SigningKey> previous = new ArrayList<>();
      p.getPreviousKeyFiles().forEach(file -> previous.add(SigningKey.fromPem(file)));
      builder.previousKeys(previous);
      PropertyMapper map = PropertyMapper.get();
      map.from(p::getCheckpointEvents).to(builder::checkpointEvents);
      map.from(p::getCheckpointInterval).to(builder::checkpointInterval);
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new AuditConfigurationException(
          "audit.integrity.* is invalid: "
              + e.getMessage()
                  .replace("integrity stream", "audit.integrity.stream")
                  .replace("integrity checkpointEvents", "audit.integrity.checkpoint-events")
                  .replace("integrity checkpointInterval", "audit.integrity.checkpoint-interval"));
    }
  }

  private static @Nullable SigningKey signingKey(AuditProperties.Integrity p) {
    if (p.getKeyFile() != null && p.getKeyStore() != null) {
      throw new IllegalArgumentException(
          "set audit.integrity.key-file or audit.integrity.key-store, not both");
    }
    if (p.getKeyFile() != null) {
      return SigningKey.fromPem(p.getKeyFile());
    }
    if (p.getKeyStore() != null) {
      if (p.getKeyAlias() == null) {
        throw new IllegalArgumentException(
            "audit.integrity.key-alias is required with audit.integrity.key-store");
      }
      String password = p.getKeyStorePassword() == null ? "" : p.getKeyStorePassword();
      return SigningKey.fromKeyStore(p.getKeyStore(), password.toCharArray(), p.getKeyAlias());
    }
    return null;
  }

  /** The default stream: this service's observer id, at this host. */
  private String stream() {
    Resource observer = observer();
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return observer.id() + "@" + host;
  }

  Resource observer() {
    AuditProperties.Observer observer = properties.getObserver();
    String name = observer.getName() != null ? observer.getName() : applicationName;
    String id = observer.getId() != null ? observer.getId() : name;
    if (id == null) {
      return Resource.reference("target");
    }
    if (!ResourceTypes.isValid(observer.getTypeUri())) {
      throw new AuditConfigurationException(
          "audit.observer.type-uri must be a CADF resource type such as service or"
              + " service/storage/object, not '"
              + observer.getTypeUri()
              + "'");
    }
    return Resource.builder(id, observer.getTypeUri()).name(name).build();
  }
}
