package io.auditrelay.boot.autoconfigure;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The broker connection of the Auditor: its own, when any {@code audit.rabbitmq} connection setting
 * is given, else the application's {@code spring.rabbitmq} {@link ConnectionFactory}.
 */
@AutoConfiguration(
    before = AuditAutoConfiguration.class,
    afterName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnClass(ConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditRabbitAutoConfiguration {

  @Bean
  AuditorBuilderCustomizer auditRabbitConnectionCustomizer(
      AuditProperties properties, ObjectProvider<ConnectionFactory> applicationConnectionFactory) {
    return new RabbitConnectionCustomizer(properties.getRabbitmq(), applicationConnectionFactory);
  }
}
