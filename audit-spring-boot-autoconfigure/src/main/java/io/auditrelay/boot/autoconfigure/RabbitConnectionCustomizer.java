package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.AuditorBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;

/** Points the builder at Audit Relay's own connection or at the application's. */
final class RabbitConnectionCustomizer implements AuditorBuilderCustomizer {

  private final AuditProperties.Rabbitmq rabbit;
  private final ObjectProvider<ConnectionFactory> applicationConnectionFactory;

  RabbitConnectionCustomizer(
      AuditProperties.Rabbitmq rabbit,
      ObjectProvider<ConnectionFactory> applicationConnectionFactory) {
    this.rabbit = rabbit;
    this.applicationConnectionFactory = applicationConnectionFactory;
  }

  @Override
  public void customize(AuditorBuilder builder) {
    if (rabbit.hasOwnConnection()) {
      builder.rabbitUri(uri());
      return;
    }
    ConnectionFactory connectionFactory = applicationConnectionFactory.getIfAvailable();
    if (connectionFactory == null) {
      throw new AuditConfigurationException(
          "No RabbitMQ connection for Audit Relay: set audit.rabbitmq.url (env AUDIT_RABBITMQ_URL)"
              + " or audit.rabbitmq.hostname (env AUDIT_RABBITMQ_HOSTNAME), or configure"
              + " spring.rabbitmq.* with spring-boot-starter-amqp on the classpath");
    }
    // Its confirm settings do not matter: the publisher opens a confirm-mode channel of its own.
    builder.connectionFactory(connectionFactory);
  }

  /** The URL, or one assembled from the go-bits style parts. */
  String uri() {
    if (rabbit.getUrl() != null) {
      return rabbit.getUrl();
    }
    String host = rabbit.getHostname() != null ? rabbit.getHostname() : "localhost";
    int port = rabbit.getPort() != null ? rabbit.getPort() : 5672;
    String user = rabbit.getUsername() != null ? rabbit.getUsername() : "guest";
    String password = rabbit.getPassword() != null ? rabbit.getPassword() : "guest";
    String vhost = rabbit.getVirtualHost() != null ? rabbit.getVirtualHost() : "/";
    return "amqp://"
        + encode(user)
        + ":"
        + encode(password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + encode(vhost);
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
