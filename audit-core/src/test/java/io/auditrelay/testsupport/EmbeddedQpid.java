package io.auditrelay.testsupport;

import io.auditrelay.broker.EmbeddedAmqpBroker;

/** An Apache Qpid Broker-J in this JVM, in memory, for machines without RabbitMQ. */
final class EmbeddedQpid {

  private EmbeddedQpid() {}

  static AmqpBroker start() {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(0);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::stop));
    return new AmqpBroker("127.0.0.1", broker.port(), "guest", "guest", true);
  }
}
