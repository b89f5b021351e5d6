package io.auditrelay.boot.autoconfigure;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;

/**
 * What Spring Boot knows of the application's broker ({@code RabbitConnectionDetails}: from {@code
 * spring.rabbitmq.*}, {@code @ServiceConnection} or Docker Compose), for the parts of Audit Relay's
 * own connection that {@code audit.rabbitmq} does not set. Boot's type is read only where its
 * module is present.
 *
 * @param addresses {@code host:port} entries
 * @param username user, or null
 * @param password password, or null
 * @param virtualHost virtual host, or null
 * @param sslBundle TLS bundle, or null
 */
record RabbitConnectionDefaults(
    List<String> addresses,
    @Nullable String username,
    @Nullable String password,
    @Nullable String virtualHost,
    @Nullable SslBundle sslBundle) {

  @Override
  public String toString() {
    return "RabbitConnectionDefaults" + addresses; // never the password
  }
}
