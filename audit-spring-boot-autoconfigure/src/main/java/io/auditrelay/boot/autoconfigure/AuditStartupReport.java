package io.auditrelay.boot.autoconfigure;

import io.auditrelay.cadf.Resource;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line that says auditing is on and how: delivery mode, store and where it keeps its
 * events, queue and exchange, broker and which connection reaches it, observer. Never a secret: the
 * broker is named by host and port only, a store by its own description (the built-in ones name a
 * directory or a table, never a password). A WARN line before it when nothing names the service.
 */
final class AuditStartupReport {

  private static final Logger log = LoggerFactory.getLogger(AuditStartupReport.class);

  /** The built-in stores, whose descriptions hold no secret. */
  private static final java.util.Set<String> BUILT_IN =
      java.util.Set.of(
          "io.auditrelay.store.memory.MemoryBackingStore",
          "io.auditrelay.store.file.FileBackingStore",
          "io.auditrelay.store.jdbc.JdbcBackingStore");

  private AuditStartupReport() {}

  /** Logs the lines for {@code auditor}, just built on {@code store}. */
  static void log(
      Auditor auditor,
      BackingStore store,
      AuditProperties.Rabbitmq rabbit,
      @Nullable RabbitConnectionDefaults boot,
      Resource observer) {
    if (observer.typeURI() == null) {
      log.warn(
          "Neither spring.application.name nor audit.observer.name (env AUDIT_OBSERVER_NAME) is"
              + " set: every audit event names its observer {\"id\":\"target\"} (the target"
              + " observed itself). Set spring.application.name to name this service.");
    }
    String mode =
        auditor
            .state()
            .map(state -> state.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .orElse("unknown");
    log.info(line(mode, store, rabbit, boot == null ? null : boot.addresses(), observer));
  }

  static String line(
      String mode,
      BackingStore store,
      AuditProperties.Rabbitmq rabbit,
      @Nullable List<String> bootAddresses,
      Resource observer) {
    String exchange = rabbit.getExchange() == null ? "" : rabbit.getExchange();
    return "Audit Relay is on: mode "
        + mode
        + ", store "
        + describe(store)
        + ", queue '"
        + rabbit.getQueueName()
        + "' through "
        + (exchange.isEmpty() ? "the default exchange" : "exchange '" + exchange + "'")
        + ", broker "
        + broker(rabbit, bootAddresses)
        + ", observer "
        + (observer.typeURI() == null ? "{\"id\":\"" + observer.id() + "\"}" : observer.id());
  }

  /** The built-in stores describe themselves (directory, table, limits); others by type only. */
  static String describe(BackingStore store) {
    return BUILT_IN.contains(store.getClass().getName())
        ? store.type() + " " + store
        : store.type();
  }

  private static String broker(AuditProperties.Rabbitmq rabbit, @Nullable List<String> boot) {
    if (!rabbit.hasOwnConnection()) {
      return (boot == null || boot.isEmpty()
              ? "of the application's ConnectionFactory"
              : String.join(",", boot))
          + " (Spring Boot's connection, spring.rabbitmq.*)";
    }
    String target;
    if (rabbit.getUrl() != null) {
      target = hostAndPort(rabbit.getUrl());
    } else if (rabbit.getAddresses() != null) {
      target = String.join(",", rabbit.getAddresses());
    } else if (rabbit.getHostname() != null || rabbit.getPort() != null) {
      target =
          (rabbit.getHostname() == null ? "localhost" : rabbit.getHostname())
              + (rabbit.getPort() == null ? "" : ":" + rabbit.getPort());
    } else {
      target = boot == null || boot.isEmpty() ? "localhost" : String.join(",", boot);
    }
    boolean tls =
        Boolean.TRUE.equals(rabbit.getSsl().getEnabled())
            || rabbit.getSsl().getBundle() != null
            || (rabbit.getUrl() != null
                && rabbit.getUrl().toLowerCase(Locale.ROOT).startsWith("amqps:"));
    return target + (tls ? " over TLS" : "") + " (its own connection, audit.rabbitmq.*)";
  }

  /** {@code scheme://host:port} of an AMQP URI, without user, password or virtual host. */
  private static String hostAndPort(String url) {
    try {
      URI uri = URI.create(url.trim());
      if (uri.getHost() == null) {
        return "named by audit.rabbitmq.url";
      }
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "named by audit.rabbitmq.url";
    }
  }
}
