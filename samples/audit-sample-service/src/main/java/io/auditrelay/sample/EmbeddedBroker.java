package io.auditrelay.sample;

import io.auditrelay.broker.EmbeddedAmqpBroker;
import org.jspecify.annotations.Nullable;

/**
 * The sample's embedded AMQP broker ({@link EmbeddedAmqpBroker}), started once per JVM when no
 * broker is configured, so the sample runs on a machine with nothing installed.
 */
final class EmbeddedBroker {

  private static volatile @Nullable EmbeddedAmqpBroker instance;

  private EmbeddedBroker() {}

  /** Starts the broker on {@code port} (0: a free one). */
  static synchronized EmbeddedAmqpBroker start(int port) {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(port);
    instance = broker;
    return broker;
  }

  /** The running broker, if this JVM started one. */
  static @Nullable EmbeddedAmqpBroker current() {
    return instance;
  }
}
