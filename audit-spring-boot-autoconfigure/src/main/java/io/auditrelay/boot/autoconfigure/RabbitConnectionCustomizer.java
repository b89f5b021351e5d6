package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.AuditorBuilder;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Points the builder at Audit Relay's own connection or at the application's.
 *
 * <p>The own connection is used when any {@code audit.rabbitmq} connection setting is given. Each
 * part it does not set (addresses, user, password, virtual host, TLS bundle) comes from Boot's
 * {@link RabbitConnectionDefaults} (what {@code spring.rabbitmq.*}, {@code @ServiceConnection} or
 * Docker Compose describe) when there is one, else from the builder's defaults. A URL is taken
 * whole: nothing of it is mixed with Boot's.
 */
final class RabbitConnectionCustomizer implements AuditorBuilderCustomizer {

  private final AuditProperties.Rabbitmq rabbit;
  private final ObjectProvider<ConnectionFactory> applicationConnectionFactory;
  private final ObjectProvider<RabbitConnectionDefaults> bootDefaults;
  private final ObjectProvider<SslBundles> sslBundles;

  /** The application's class loader: which Boot RabbitMQ module it holds. */
  private final ClassLoader classLoader;

  RabbitConnectionCustomizer(
      AuditProperties.Rabbitmq rabbit,
      ObjectProvider<ConnectionFactory> applicationConnectionFactory,
      ObjectProvider<RabbitConnectionDefaults> bootDefaults,
      ObjectProvider<SslBundles> sslBundles,
      ClassLoader classLoader) {
    this.rabbit = rabbit;
    this.applicationConnectionFactory = applicationConnectionFactory;
    this.bootDefaults = bootDefaults;
    this.sslBundles = sslBundles;
    this.classLoader = classLoader;
  }

  @Override
  public void customize(AuditorBuilder builder) {
    if (rabbit.hasOwnConnection()) {
      own(builder);
      return;
    }
    ConnectionFactory connectionFactory = applicationConnectionFactory.getIfAvailable();
    if (connectionFactory == null) {
      throw new AuditConfigurationException(
          "No RabbitMQ connection for Audit Relay: set audit.rabbitmq.url (env AUDIT_RABBITMQ_URL),"
              + " audit.rabbitmq.addresses (env AUDIT_RABBITMQ_ADDRESSES) or"
              + " audit.rabbitmq.hostname (env AUDIT_RABBITMQ_HOSTNAME), or "
              + BootRabbitModule.advice(classLoader));
    }
    // Its confirm settings do not matter: the publisher opens a confirm-mode channel of its own.
    builder.connectionFactory(connectionFactory);
  }

  private void own(AuditorBuilder builder) {
    if (rabbit.getUrl() != null
        && (rabbit.getAddresses() != null
            || rabbit.getHostname() != null
            || rabbit.getPort() != null)) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.url (env AUDIT_RABBITMQ_URL) names the broker already: leave out"
              + " audit.rabbitmq.addresses, audit.rabbitmq.hostname and audit.rabbitmq.port, or"
              + " the url");
    }
    if (rabbit.getAddresses() != null
        && (rabbit.getHostname() != null || rabbit.getPort() != null)) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.addresses (env AUDIT_RABBITMQ_ADDRESSES) names the brokers already:"
              + " leave out audit.rabbitmq.hostname and audit.rabbitmq.port, or the addresses");
    }
    RabbitConnectionDefaults defaults =
        rabbit.getUrl() == null ? bootDefaults.getIfAvailable() : null;
    if (rabbit.getUrl() != null) {
      builder.rabbitUri(rabbit.getUrl());
    } else {
      builder.rabbitAddresses(addresses(defaults));
    }
    String username = rabbit.getUsername();
    String password = rabbit.getPassword();
    String virtualHost = rabbit.getVirtualHost();
    if (defaults != null) {
      username = username != null ? username : defaults.username();
      password = password != null ? password : defaults.password();
      virtualHost = virtualHost != null ? virtualHost : defaults.virtualHost();
    }
    if (username != null) {
      builder.rabbitUsername(username);
    }
    if (password != null) {
      builder.rabbitPassword(password);
    }
    if (virtualHost != null) {
      builder.rabbitVirtualHost(virtualHost);
    }
    AuditProperties.Ssl ssl = rabbit.getSsl();
    SslBundle bundle = bundle(ssl.getBundle());
    if (bundle == null
        && defaults != null
        && !Boolean.FALSE.equals(ssl.getEnabled())
        && rabbit.getHostname() == null
        && rabbit.getAddresses() == null) {
      bundle = defaults.sslBundle(); // Boot's addresses, Boot's TLS
    }
    boolean enabled = ssl.getEnabled() != null ? ssl.getEnabled() : bundle != null;
    if (enabled) {
      builder.tls(true);
      if (bundle != null) {
        builder.sslContext(bundle.createSslContext());
      }
    } else if (ssl.getBundle() != null) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.ssl.bundle is set but audit.rabbitmq.ssl.enabled is false: remove one");
    }
    PropertyMapper map = PropertyMapper.get();
    map.from(ssl::getVerifyHostname).to(builder::verifyHostname);
    map.from(rabbit::getAddressShuffleMode).to(builder::addressShuffleMode);
    map.from(rabbit::getSaslMechanism).to(builder::saslMechanism);
  }

  /** The own connection's brokers: its addresses, its host and port, or Boot's. */
  private String addresses(@Nullable RabbitConnectionDefaults defaults) {
    List<String> addresses = rabbit.getAddresses();
    if (addresses != null) {
      return String.join(",", addresses);
    }
    if (rabbit.getHostname() == null && rabbit.getPort() == null && defaults != null) {
      return defaults.addresses().stream().collect(Collectors.joining(","));
    }
    String host = rabbit.getHostname() != null ? rabbit.getHostname() : "localhost";
    String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return rabbit.getPort() != null ? bracketed + ":" + rabbit.getPort() : bracketed;
  }

  private @Nullable SslBundle bundle(@Nullable String name) {
    if (name == null) {
      return null;
    }
    SslBundles bundles = sslBundles.getIfAvailable();
    if (bundles == null) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.ssl.bundle names '"
              + name
              + "', but the application has no SSL bundles: define it under"
              + " spring.ssl.bundle.pem."
              + name
              + " or spring.ssl.bundle.jks."
              + name);
    }
    try {
      return bundles.getBundle(name);
    } catch (NoSuchSslBundleException e) {
      throw new AuditConfigurationException(
          "audit.rabbitmq.ssl.bundle names '"
              + name
              + "', which is not defined: define it under spring.ssl.bundle.pem."
              + name
              + " or spring.ssl.bundle.jks."
              + name
              + ", or correct the name");
    }
  }
}
