package io.auditrelay.boot.autoconfigure;

import org.springframework.util.ClassUtils;

/**
 * Which Spring Boot module auto-configures the application's RabbitMQ connection: {@code
 * spring-boot-amqp} up to Boot 4.1, {@code spring-boot-rabbitmq} from Boot 4.2 (whose starter is
 * {@code spring-boot-starter-rabbitmq}, while {@code spring-boot-starter-amqp} turns to AMQP 1.0).
 * Named in the message that asks for a connection, so that it points at the right starter.
 */
final class BootRabbitModule {

  /** Boot 4.0 and 4.1. */
  static final String AMQP_AUTO_CONFIGURATION =
      "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration";

  /** Boot 4.2 and later. */
  static final String RABBITMQ_AUTO_CONFIGURATION =
      "org.springframework.boot.rabbitmq.autoconfigure.RabbitAutoConfiguration";

  private BootRabbitModule() {}

  /** How to get Boot's connection: the starter to add, or the properties to set. */
  static String advice(ClassLoader classLoader) {
    if (ClassUtils.isPresent(RABBITMQ_AUTO_CONFIGURATION, classLoader)) {
      return "configure spring.rabbitmq.* (spring-boot-rabbitmq is on the classpath, but made no"
          + " ConnectionFactory: is its auto-configuration excluded?)";
    }
    if (ClassUtils.isPresent(AMQP_AUTO_CONFIGURATION, classLoader)) {
      return "configure spring.rabbitmq.* (spring-boot-amqp is on the classpath, but made no"
          + " ConnectionFactory: is its auto-configuration excluded?)";
    }
    return "add Spring Boot's RabbitMQ starter (spring-boot-starter-amqp up to Boot 4.1,"
        + " spring-boot-starter-rabbitmq from Boot 4.2) and configure spring.rabbitmq.*";
  }
}
