package io.auditrelay.boot.autoconfigure;

import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorBuilder;
import io.auditrelay.store.BackingStore;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns {@link AuditProperties} into an {@link Auditor}, checking every value with its name. */
final class AuditorFactory {

  private final AuditProperties properties;
  private final @Nullable String applicationName;

  AuditorFactory(AuditProperties properties, @Nullable String applicationName) {
    this.properties = properties;
    this.applicationName = applicationName;
  }

  Auditor create(BackingStore store, List<AuditorBuilderCustomizer> customizers) {
    AuditProperties.Rabbitmq rabbit = properties.getRabbitmq();
    String queue = rabbit.getQueueName();
    if (queue == null || queue.isBlank()) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.queue-name (env AUDIT_RABBITMQ_QUEUE_NAME) is required when auditing is"
              + " enabled: set it to the queue that receives the audit events, or set"
              + " audit.enabled=false (env AUDIT_ENABLED=false)");
    }
    AuditorBuilder builder =
        Auditor.builder()
            .name("default")
            .queueName(queue)
            .queueType(rabbit.getQueueType())
            .declareQueue(rabbit.isDeclareQueue())
            .exchange(rabbit.getExchange())
            .messageFormat(rabbit.getMessageFormat())
            .osloPublisherId(rabbit.getOsloPublisherId())
            .osloEventType(rabbit.getOsloEventType())
            .backingStore(store)
            .closeStore(false) // the store is a bean; Spring closes it after the Auditor
            .shutdownHook(false) // the application context stops the Auditor
            .deliveryMode(properties.getDeliveryMode())
            .overflowPolicy(properties.getOverflow().getPolicy())
            .overflowTimeout(
                duration("audit.overflow.timeout", properties.getOverflow().getTimeout()))
            .queueCapacity(
                positive(
                    "audit.overflow.queue-capacity", properties.getOverflow().getQueueCapacity()))
            .batchSize(positive("audit.publish.batch-size", properties.getPublish().getBatchSize()))
            .confirmTimeout(
                duration(
                    "audit.publish.confirm-timeout", properties.getPublish().getConfirmTimeout()))
            .connectionTimeout(
                duration(
                    "audit.publish.connection-timeout",
                    properties.getPublish().getConnectionTimeout()))
            .maxEventSize(maxEventSize())
            .initialBackoff(
                duration("audit.drain.initial-backoff", properties.getDrain().getInitialBackoff()))
            .maxBackoff(duration("audit.drain.max-backoff", properties.getDrain().getMaxBackoff()))
            .maxAttempts(
                positive("audit.drain.max-attempts", properties.getDrain().getMaxAttempts()))
            .shutdownTimeout(
                duration("audit.shutdown.timeout", properties.getShutdown().getTimeout()))
            .observer(observer());
    if (rabbit.getRoutingKey() != null) {
      builder.routingKey(rabbit.getRoutingKey());
    }
    customizers.forEach(customizer -> customizer.customize(builder));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      // e.g. transactional delivery with a store that cannot join transactions
      throw new AuditConfigurationException(e.getMessage());
    }
  }

  private int maxEventSize() {
    long bytes = properties.getPublish().getMaxEventSize().toBytes();
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new AuditConfigurationException(
          "audit.publish.max-event-size (env AUDIT_PUBLISH_MAX_EVENT_SIZE) must be a positive size"
              + " up to 2GB such as 1MB, not "
              + bytes
              + " bytes");
    }
    return (int) bytes;
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

  static int positive(String property, int value) {
    if (value < 1) {
      throw new AuditConfigurationException(
          property
              + " (env "
              + AuditEnvironmentVariables.variable(property)
              + ") must be positive, not "
              + value);
    }
    return value;
  }

  static Duration duration(String property, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new AuditConfigurationException(
          property
              + " (env "
              + AuditEnvironmentVariables.variable(property)
              + ") must be a positive duration such as 5s, not "
              + value);
    }
    return value;
  }
}
