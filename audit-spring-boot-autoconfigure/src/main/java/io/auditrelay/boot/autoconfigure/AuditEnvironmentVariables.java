package io.auditrelay.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.MapPropertySource;

/**
 * The go-bits style environment variables: {@code AUDIT_BACKING_STORE}, {@code
 * AUDIT_RABBITMQ_QUEUE_NAME}, {@code AUDIT_RABBITMQ_VIRTUAL_HOST}, ... Spring's relaxed binding
 * reads an underscore as a dot, so on its own it maps {@code AUDIT_RABBITMQ_QUEUE_NAME} to {@code
 * audit.rabbitmq.queue.name}, which is no property. This source maps each variable to its property
 * name explicitly: every {@code audit.*} property's name with dots and dashes turned into
 * underscores, in upper case.
 */
final class AuditEnvironmentVariables {

  static final String SOURCE_NAME = "auditRelayEnvironmentVariables";

  /**
   * Every property of {@link AuditProperties}; checked against the generated metadata by a test.
   */
  static final List<String> PROPERTIES =
      List.of(
          "audit.enabled",
          "audit.backing-store",
          "audit.delivery-mode",
          "audit.rabbitmq.url",
          "audit.rabbitmq.hostname",
          "audit.rabbitmq.port",
          "audit.rabbitmq.username",
          "audit.rabbitmq.password",
          "audit.rabbitmq.virtual-host",
          "audit.rabbitmq.queue-name",
          "audit.rabbitmq.queue-type",
          "audit.rabbitmq.declare-queue",
          "audit.rabbitmq.exchange",
          "audit.rabbitmq.routing-key",
          "audit.rabbitmq.message-format",
          "audit.rabbitmq.oslo-publisher-id",
          "audit.rabbitmq.oslo-event-type",
          "audit.overflow.policy",
          "audit.overflow.timeout",
          "audit.overflow.queue-capacity",
          "audit.drain.initial-backoff",
          "audit.drain.max-backoff",
          "audit.drain.max-attempts",
          "audit.publish.batch-size",
          "audit.publish.confirm-timeout",
          "audit.publish.connection-timeout",
          "audit.publish.max-event-size",
          "audit.shutdown.timeout",
          "audit.observer.type-uri",
          "audit.observer.name",
          "audit.observer.id",
          "audit.sql.migrate",
          "audit.web.trusted-proxies",
          "audit.security.forward-authentication-events");

  private AuditEnvironmentVariables() {}

  /** The variable that sets {@code property}, e.g. {@code AUDIT_RABBITMQ_QUEUE_NAME}. */
  static String variable(String property) {
    return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** A property source with the properties that {@code environment} sets through variables. */
  static MapPropertySource from(Map<String, ?> environment) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (String property : PROPERTIES) {
      Object value = environment.get(variable(property));
      if (value != null) {
        properties.put(property, value);
      }
    }
    return new MapPropertySource(SOURCE_NAME, properties);
  }
}
