package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The crash oracles' reader: a restart of the broker never makes queued messages look missing. */
class QueueReaderTests {

  /**
   * Found 2026-11-30: a broker restarted by another test run closed the oracle's channel, and the
   * next read returned nothing, reported as 355 lost events that were all in the queue.
   */
  @Test
  void aReaderWhoseConnectionWasCutReadsTheQueueAgainInsteadOfReportingNothing() throws Exception {
    AmqpBroker broker = RealServers.rabbitmq();
    String queue = "audit-reader-" + UUID.randomUUID();
    try (TcpProxy proxy = TcpProxy.to(broker);
        QueueReader reader = new QueueReader(broker.via(proxy), queue).declare()) {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(broker.uri());
      try (Connection connection = factory.newConnection();
          Channel channel = connection.createChannel()) {
        for (int i = 0; i < 5; i++) {
          channel.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.queueDeclarePassive(queue); // a round trip: the publishes above have arrived
      }

      proxy.cut(); // the reader's connection dies, as in a broker restart
      proxy.restore();

      try {
        assertThat(reader.poll()).hasSize(5);
      } finally {
        reader.delete(); // also when it fails: no queue is left on the shared broker
      }
    }
  }
}
