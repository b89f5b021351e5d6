package io.auditrelay.boot.autoconfigure;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Prepares the environment for Audit Relay. Maps the go-bits style variables ({@code
 * AUDIT_RABBITMQ_QUEUE_NAME}, ...) to their properties, just below the system environment, see
 * {@link AuditEnvironmentVariables}. Makes the application's RabbitMQ connection usable for audit
 * events out of the box: adds, at the lowest precedence, {@code
 * spring.rabbitmq.publisher-confirm-type=correlated} and {@code
 * spring.rabbitmq.publisher-returns=true}. Any value the application sets wins; if it switches
 * confirms off, startup fails with a message naming these properties.
 */
public final class AuditEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SOURCE_NAME = "auditRelayRabbitDefaults";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getProperty("audit.enabled", Boolean.class, true)) {
      return;
    }
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                SOURCE_NAME,
                Map.of(
                    "spring.rabbitmq.publisher-confirm-type", "correlated",
                    "spring.rabbitmq.publisher-returns", "true")));
  }
}
