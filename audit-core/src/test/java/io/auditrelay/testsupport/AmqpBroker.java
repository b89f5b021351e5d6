package io.auditrelay.testsupport;

/**
 * The AMQP broker a suite runs against: the real RabbitMQ when it is reachable, else an embedded
 * Qpid Broker-J.
 *
 * @param host host name
 * @param port AMQP port
 * @param username user
 * @param password password
 * @param embedded whether this is the embedded Qpid fallback
 */
public record AmqpBroker(
    String host, int port, String username, String password, boolean embedded) {

  /** The AMQP URI with credentials, for the default virtual host {@code /}. */
  public String uri() {
    // No trailing slash: "amqp://host/" names the empty virtual host, not "/".
    return "amqp://" + username + ":" + password + "@" + host + ":" + port;
  }

  /** The same broker reached through another port (a {@link TcpProxy}). */
  public AmqpBroker via(TcpProxy proxy) {
    return new AmqpBroker("127.0.0.1", proxy.port(), username, password, embedded);
  }

  /** Whether RabbitMQ-specific behaviour (queue arguments, return-then-ack) can be tested. */
  public boolean isRabbitMq() {
    return !embedded;
  }

  public String describe() {
    return embedded
        ? "embedded Qpid Broker-J 10.1.0 on 127.0.0.1:" + port
        : "real RabbitMQ on " + host + ":" + port;
  }
}
