package io.auditrelay.sample;

import io.auditrelay.broker.EmbeddedAmqpBroker;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the embedded broker before the context when no broker is configured: no {@code
 * audit.rabbitmq.url}/{@code hostname}/{@code addresses} (or their environment variables) and no
 * {@code spring.rabbitmq.host}/{@code addresses}. Points {@code spring.rabbitmq.*} at it and sets
 * {@code sample.embedded-broker.active=true}, which switches on the consumer of {@code GET
 * /audit/received}.
 */
public final class EmbeddedBrokerEnvironmentPostProcessor implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    boolean configured =
        environment.containsProperty("audit.rabbitmq.url")
            || environment.containsProperty("audit.rabbitmq.hostname")
            || environment.containsProperty("audit.rabbitmq.addresses")
            || environment.containsProperty("spring.rabbitmq.host")
            || environment.containsProperty("spring.rabbitmq.addresses")
            || !environment.getProperty("sample.embedded-broker.enabled", Boolean.class, true);
    if (configured) {
      return;
    }
    EmbeddedAmqpBroker broker = EmbeddedBroker.current();
    if (broker == null || !broker.running()) {
      broker =
          EmbeddedBroker.start(
              environment.getProperty("sample.embedded-broker.port", Integer.class, 0));
      // A failed startup must not leave the broker's threads holding the JVM open.
      EmbeddedAmqpBroker started = broker;
      application.addListeners(
          (ApplicationListener<ApplicationFailedEvent>) failed -> started.stop());
    }
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "sampleEmbeddedBroker",
                Map.of(
                    "spring.rabbitmq.host", "127.0.0.1",
                    "spring.rabbitmq.port", broker.port(),
                    "spring.rabbitmq.username", "guest",
                    "spring.rabbitmq.password", "guest",
                    "sample.embedded-broker.active", "true")));
  }
}
