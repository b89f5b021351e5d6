package io.auditrelay.core;

import com.rabbitmq.client.DefaultSaslConfig;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory.AddressShuffleMode;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The settings of the Auditor's own broker connection, checked together, and the connection factory
 * they describe.
 *
 * <p>TLS is verified: the certificate chain against the given {@link SSLContext} or, without one,
 * the JVM's default (its trust store, {@code javax.net.ssl.*}), and the host name against the
 * certificate unless switched off. Nothing here trusts every certificate. A handshake that fails is
 * a connection failure like any other: the events wait in the store.
 *
 * @param uri an {@code amqp://} or {@code amqps://} URI, or null
 * @param addresses {@code host[:port]} entries separated by commas, or null
 * @param username user, or null for the URI's or {@code guest}
 * @param password password, or null for the URI's or {@code guest}
 * @param virtualHost virtual host, or null for the URI's or {@code /}
 * @param tls whether TLS is on even without {@code amqps://}
 * @param sslContext the TLS context, or null for the JVM's default
 * @param verifyHostname whether the server certificate must name the host connected to
 * @param shuffle the order in which the addresses are tried
 * @param sasl the SASL mechanism
 * @param connectionTimeout TCP connect and handshake timeout
 * @param name the Auditor's name, in the connection name and thread names
 */
record OwnConnection(
    @Nullable String uri,
    @Nullable String addresses,
    @Nullable String username,
    @Nullable String password,
    @Nullable String virtualHost,
    boolean tls,
    @Nullable SSLContext sslContext,
    boolean verifyHostname,
    AddressShuffleMode shuffle,
    SaslMechanism sasl,
    Duration connectionTimeout,
    String name) {

  private static final Logger log = LoggerFactory.getLogger(OwnConnection.class);
  private static final String URI_SETTING = "rabbitUri";
  private static final String ADDRESSES_SETTING = "rabbitAddresses";

  /**
   * The connection factory; the caller owns it.
   *
   * @throws IllegalArgumentException naming the setting that is missing, invalid or given twice
   */
  CachingConnectionFactory create() {
    if (uri != null && addresses != null) {
      throw new IllegalArgumentException(
          "Set either " + URI_SETTING + " or " + ADDRESSES_SETTING + ", not both");
    }
    if (uri == null && addresses == null) {
      throw new IllegalArgumentException(
          "A broker is required: set "
              + URI_SETTING
              + " or "
              + ADDRESSES_SETTING
              + ", or give the builder a ConnectionFactory");
    }
    AmqpUri parsed = null;
    if (uri != null) {
      try {
        parsed = AmqpUri.parse(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(URI_SETTING + " " + e.getMessage());
      }
    }
    boolean secure = tls || sslContext != null || (parsed != null && parsed.tls());
    int defaultPort = secure ? 5671 : 5672;
    List<String> endpoints =
        parsed != null
            ? List.of(address(parsed.host(), parsed.port() < 0 ? defaultPort : parsed.port()))
            : addresses(addresses, defaultPort);

    com.rabbitmq.client.ConnectionFactory rabbit = new com.rabbitmq.client.ConnectionFactory();
    // As Spring's own CachingConnectionFactory(): the publisher reopens what it needs itself.
    rabbit.setAutomaticRecoveryEnabled(false);
    rabbit.setUsername(
        pick(
            "username",
            "rabbitUsername",
            parsed == null ? null : parsed.username(),
            username,
            "guest"));
    rabbit.setPassword(
        pick(
            "password",
            "rabbitPassword",
            parsed == null ? null : parsed.password(),
            password,
            "guest"));
    rabbit.setVirtualHost(
        pick(
            "virtual host",
            "rabbitVirtualHost",
            parsed == null ? null : parsed.virtualHost(),
            virtualHost,
            "/"));
    rabbit.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, connectionTimeout.toMillis()));
    rabbit.setHandshakeTimeout((int) Math.min(Integer.MAX_VALUE, connectionTimeout.toMillis()));
    SaslMechanism mechanism = sasl;
    if (parsed != null) {
      mechanism = applyQuery(parsed, rabbit, mechanism);
    }
    if (mechanism == SaslMechanism.EXTERNAL) {
      if (!secure) {
        throw new IllegalArgumentException(
            "The EXTERNAL SASL mechanism (saslMechanism) authenticates with the client"
                + " certificate of a TLS connection: switch TLS on (an amqps:// rabbitUri, or tls"
                + " with an sslContext whose key manager holds the certificate)");
      }
      rabbit.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    }
    if (secure) {
      rabbit.useSslProtocol(sslContext != null ? sslContext : defaultContext());
      if (verifyHostname) {
        rabbit.enableHostnameVerification();
      } else {
        log.warn(
            "TLS host name verification of the audit connection is off: any server with a"
                + " certificate the trust store accepts can pose as the broker");
      }
    }

    log.info(
        "Audit Relay's own broker connection: {}{}",
        parsed != null ? parsed.redacted() : String.join(",", endpoints),
        !secure
            ? ""
            : verifyHostname ? " (TLS, host name verified)" : " (TLS, host name not verified)");
    CachingConnectionFactory factory = new CachingConnectionFactory(rabbit);
    factory.setAddresses(String.join(",", endpoints));
    factory.setAddressShuffleMode(shuffle);
    factory.setConnectionNameStrategy(cf -> "audit-relay-" + name);
    // Spring AMQP's own executor for closing channels has non-daemon threads that are only shut
    // down by a ContextClosedEvent: outside Spring they kept the JVM alive for a minute after
    // close(). Daemon threads of ours, which outlive nothing. When the broker closed a channel
    // (a 404 or 406), returning it to the cache waits for its confirms and throws: the channel
    // is gone and its messages are already counted as not confirmed, so that is only logged.
    factory.setExecutor(
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "audit-amqp-" + name);
              thread.setDaemon(true);
              thread.setUncaughtExceptionHandler(
                  (t, e) ->
                      log.debug("AMQP client task on {} failed: {}", t.getName(), e.toString()));
              return thread;
            }));
    return factory;
  }

  private static SaslMechanism applyQuery(
      AmqpUri parsed, com.rabbitmq.client.ConnectionFactory rabbit, SaslMechanism mechanism) {
    SaslMechanism result = mechanism;
    for (var entry : parsed.query().entrySet()) {
      String value = entry.getValue();
      switch (entry.getKey()) {
        case "heartbeat" -> rabbit.setRequestedHeartbeat(number(entry.getKey(), value));
        case "connection_timeout" -> {
          rabbit.setConnectionTimeout(number(entry.getKey(), value));
          rabbit.setHandshakeTimeout(number(entry.getKey(), value));
        }
        case "channel_max" -> rabbit.setRequestedChannelMax(number(entry.getKey(), value));
        case "auth_mechanism" -> {
          try {
            result = SaslMechanism.valueOf(value.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                URI_SETTING + " has auth_mechanism other than plain or external");
          }
        }
        default -> throw new IllegalStateException(entry.getKey()); // AmqpUri refused it
      }
    }
    return result;
  }

  private static int number(String parameter, String value) {
    try {
      int number = Integer.parseInt(value);
      if (number >= 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(
        URI_SETTING + " has a query parameter " + parameter + " that is not a whole number >= 0");
  }

  /** Value from the URI or from its own setting: one of them, never two that differ. */
  private static String pick(
      String what,
      String setting,
      @Nullable String fromUri,
      @Nullable String fromSetting,
      String fallback) {
    if (fromUri != null && fromSetting != null && !fromUri.equals(fromSetting)) {
      throw new IllegalArgumentException(
          "The "
              + what
              + " is given twice, in "
              + URI_SETTING
              + " and on its own ("
              + setting
              + "), with different values: give it once");
    }
    return fromUri != null ? fromUri : fromSetting != null ? fromSetting : fallback;
  }

  /** {@code host1:5671,host2} as {@code host:port} entries the client parses back. */
  private static List<String> addresses(String text, int defaultPort) {
    List<String> result = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty() || entry.contains("://") || entry.contains("@") || entry.contains("/")) {
        throw new IllegalArgumentException(
            ADDRESSES_SETTING
                + " must be host[:port] entries separated by commas, such as"
                + " rabbit-1:5671,rabbit-2:5671, with user, password and virtual host set on their"
                + " own; "
                + (entry.isEmpty() ? "one entry is empty" : "an entry is not host[:port]"));
      }
      AmqpUri parsed;
      try {
        parsed = AmqpUri.parse("amqp://" + entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ADDRESSES_SETTING + ": an entry " + e.getMessage());
      }
      result.add(address(parsed.host(), parsed.port() < 0 ? defaultPort : parsed.port()));
    }
    return result;
  }

  private static String address(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no default TLS context", e);
    }
  }
}
