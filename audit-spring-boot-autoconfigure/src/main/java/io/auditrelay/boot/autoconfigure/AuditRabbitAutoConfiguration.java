package io.auditrelay.boot.autoconfigure;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker connection of the Auditor: its own, when any {@code audit.rabbitmq} connection setting
 * is given (completed from Boot's {@code RabbitConnectionDetails} where it leaves parts out), else
 * the application's {@code spring.rabbitmq} {@link ConnectionFactory}.
 */
@AutoConfiguration(
    before = AuditAutoConfiguration.class,
    afterName = {
      BootRabbitModule.AMQP_AUTO_CONFIGURATION,
      BootRabbitModule.RABBITMQ_AUTO_CONFIGURATION,
      "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"
    })
@ConditionalOnClass(ConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditRabbitAutoConfiguration {

  @Bean
  AuditorBuilderCustomizer auditRabbitConnectionCustomizer(
      AuditProperties properties,
      ObjectProvider<ConnectionFactory> applicationConnectionFactory,
      ObjectProvider<RabbitConnectionDefaults> bootDefaults,
      ObjectProvider<SslBundles> sslBundles,
      org.springframework.context.ApplicationContext context) {
    return new RabbitConnectionCustomizer(
        properties.getRabbitmq(),
        applicationConnectionFactory,
        bootDefaults,
        sslBundles,
        context.getClassLoader());
  }

  /** Boot's description of the application's broker, where Boot's AMQP module gives one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails")
  static class BootConnectionDetailsConfiguration {

    @Bean
    @ConditionalOnBean(RabbitConnectionDetails.class)
    RabbitConnectionDefaults auditRabbitConnectionDefaults(RabbitConnectionDetails details) {
      return new RabbitConnectionDefaults(
          details.getAddresses().stream()
              .map(
                  a ->
                      (a.host().indexOf(':') >= 0 ? "[" + a.host() + "]" : a.host())
                          + ":"
                          + a.port())
              .toList(),
          details.getUsername(),
          details.getPassword(),
          details.getVirtualHost(),
          details.getSslBundle());
    }
  }
}
