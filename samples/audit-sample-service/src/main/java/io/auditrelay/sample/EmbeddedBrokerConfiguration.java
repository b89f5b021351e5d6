package io.auditrelay.sample;

import io.auditrelay.broker.EmbeddedAmqpBroker;
import org.springframework.amqp.core.Queue;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What exists only while the sample runs its embedded broker: its queue, declared so that {@link
 * ReceivedEventsController} can consume it, and the broker's shutdown after everything else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.embedded-broker.active")
class EmbeddedBrokerConfiguration {

  @Bean
  Queue auditQueue(org.springframework.core.env.Environment environment) {
    return new Queue(environment.getRequiredProperty("audit.rabbitmq.queue-name"), true);
  }

  /** Stops the embedded broker after everything else, the Auditor included, has stopped. */
  @Bean
  DisposableBean embeddedBrokerShutdown() {
    return () -> {
      EmbeddedAmqpBroker broker = EmbeddedBroker.current();
      if (broker != null) {
        broker.stop();
      }
    };
  }
}
