package io.auditrelay.testsupport;

import java.nio.file.Path;
import java.util.List;

/**
 * A broker that speaks AMQP over TLS with a certificate of the test's making: a RabbitMQ node with
 * a TLS listener that the test starts (where RabbitMQ is installed, and always under {@code
 * .ci/run}), else a {@link TlsFrontend} with a key store in this JVM before the embedded Qpid
 * Broker-J (a laptop). Each suite reports which one it used.
 */
public final class TlsBroker implements AutoCloseable {

  /** The user a client certificate with this common name logs in as under EXTERNAL. */
  public static final String EXTERNAL_USER = "audit-client";

  private final RabbitNode node;
  private final TlsFrontend frontend;

  private TlsBroker(RabbitNode node, TlsFrontend frontend) {
    this.node = node;
    this.frontend = frontend;
  }

  /** Whether the brokers are RabbitMQ nodes (EXTERNAL and the broker's own log are testable). */
  public static boolean rabbitMq() {
    if (!RabbitNode.installed() && RealServers.realServersRequired()) {
      throw new IllegalStateException(
          "RabbitMQ is required (" + RealServers.REQUIRE_PROPERTY + "=true) but not installed");
    }
    return RabbitNode.installed();
  }

  /**
   * Starts a TLS broker presenting {@code serverKey}.
   *
   * @param clientCa when not null, a client certificate issued by it is required; on RabbitMQ the
   *     EXTERNAL mechanism is offered too, mapping the certificate's common name to {@link
   *     #EXTERNAL_USER}
   */
  public static TlsBroker start(
      String name, Path directory, TestPki.Issued serverKey, TestPki clientCa) {
    if (!rabbitMq()) {
      return new TlsBroker(null, new TlsFrontend(serverKey, clientCa, RealServers.rabbitmq()));
    }
    String config =
        "ssl_options.cacertfile = "
            + (clientCa != null ? clientCa.caPem() : serverKey.certificatePem())
            + "\n"
            + "ssl_options.certfile = "
            + serverKey.certificatePem()
            + "\n"
            + "ssl_options.keyfile = "
            + serverKey.keyPem()
            + "\n"
            + (clientCa != null
                ? "ssl_options.verify = verify_peer\n"
                    + "ssl_options.fail_if_no_peer_cert = true\n"
                    + "auth_mechanisms.1 = PLAIN\n"
                    + "auth_mechanisms.2 = EXTERNAL\n"
                    + "ssl_cert_login_from = common_name\n"
                : "ssl_options.verify = verify_none\n"
                    + "ssl_options.fail_if_no_peer_cert = false\n");
    RabbitNode node =
        RabbitNode.start(
            name,
            directory,
            "listeners.tcp.default = 127.0.0.1:%PLAIN_PORT%\nlisteners.ssl.default = 127.0.0.1:%PORT%",
            config,
            clientCa != null ? List.of("rabbitmq_auth_mechanism_ssl") : List.of());
    if (clientCa != null) {
      node.ctl("add_user", EXTERNAL_USER, "unused-" + System.nanoTime());
      node.ctl("set_permissions", "-p", "/", EXTERNAL_USER, ".*", ".*", ".*");
    }
    return new TlsBroker(node, null);
  }

  /** The TLS port on 127.0.0.1. */
  public int port() {
    return node != null ? node.port() : frontend.port();
  }

  /** The same broker without TLS, for the test's own queue reader. */
  public AmqpBroker plain() {
    return node != null ? node.broker(node.plainPort()) : RealServers.rabbitmq();
  }

  /** What the server side logged about refused handshakes, for the test's failure message. */
  public String serverLog() {
    return node != null ? node.log() : String.join("\n", frontend.handshakeFailures());
  }

  /** The RabbitMQ node, or null on the Qpid fallback. */
  public RabbitNode node() {
    return node;
  }

  /** An AMQP URI of this broker, with the guest user, on {@code host}. */
  public String uri(String host) {
    return "amqps://guest:guest@" + host + ":" + port();
  }

  public String describe() {
    return node != null
        ? "RabbitMQ node " + node.nodeName() + " with a TLS listener on 127.0.0.1:" + port()
        : "TLS front end (JDK, key store) on 127.0.0.1:"
            + port()
            + " before "
            + RealServers.rabbitmq().describe();
  }

  @Override
  public void close() {
    if (node != null) {
      node.close();
    } else {
      frontend.close();
    }
  }
}
