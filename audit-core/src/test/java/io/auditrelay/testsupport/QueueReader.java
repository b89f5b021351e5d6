package io.auditrelay.testsupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Reads a queue directly from the broker (never through a proxy), for assertions on what was
 * delivered. Messages are acknowledged as they are read.
 */
public final class QueueReader implements AutoCloseable {

  /**
   * One delivered message.
   *
   * @param messageId AMQP message id
   * @param body body bytes
   * @param persistent whether delivery mode was persistent
   * @param contentType content type
   * @param hasTimestamp whether a timestamp was set
   * @param headers the message headers, as strings; empty when none
   */
  public record Delivered(
      String messageId,
      byte[] body,
      boolean persistent,
      String contentType,
      boolean hasTimestamp,
      java.util.Map<String, String> headers) {}

  private final ConnectionFactory factory;
  private Connection connection;
  private Channel channel;
  private final String queue;
  private final List<Delivered> received = new ArrayList<>();

  public QueueReader(AmqpBroker broker, String queue) {
    try {
      factory = new ConnectionFactory();
      factory.setHost(broker.host());
      factory.setPort(broker.port());
      factory.setUsername(broker.username());
      factory.setPassword(broker.password());
      this.connection = factory.newConnection("audit-test-reader");
      this.channel = connection.createChannel();
      this.queue = queue;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Declares the durable classic queue, as the Auditor would. */
  public QueueReader declare() {
    return declare(Map.of());
  }

  /** Declares the durable queue with {@code arguments}. */
  public QueueReader declare(Map<String, Object> arguments) {
    try {
      channel.queueDeclare(queue, true, false, false, arguments);
      return this;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Declares the direct exchange {@code exchange} and binds the queue to it by its name. */
  public QueueReader declareExchangeBoundToQueue(String exchange) {
    try {
      channel.exchangeDeclare(exchange, "direct", true);
      channel.queueBind(queue, exchange, queue);
      return this;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes {@code exchange}. */
  public void deleteExchange(String exchange) {
    try {
      channel.exchangeDelete(exchange);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads everything currently in the queue. A channel or connection that was closed under it (a
   * broker restart; RabbitMQ closes the channel when the queue does not exist yet, Qpid the
   * connection) is opened again and the queue read once more, so a restart of the broker never
   * makes messages that are in the queue look missing.
   */
  public synchronized List<Delivered> poll() {
    if (!read()) {
      read(); // fails again when the queue does not exist yet: then nothing is there to read
    }
    return List.copyOf(received);
  }

  private static java.util.Map<String, String> headers(
      java.util.@org.jspecify.annotations.Nullable Map<String, Object> raw) {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (raw != null) {
      raw.forEach((key, value) -> headers.put(key, String.valueOf(value)));
    }
    return headers;
  }

  /** Reads into {@link #received}; false when the channel had to be opened again. */
  private boolean read() {
    try {
      GetResponse response;
      while ((response = channel.basicGet(queue, true)) != null) {
        var props = response.getProps();
        received.add(
            new Delivered(
                props.getMessageId(),
                response.getBody(),
                props.getDeliveryMode() != null && props.getDeliveryMode() == 2,
                props.getContentType(),
                props.getTimestamp() != null,
                headers(props.getHeaders())));
      }
      return true;
    } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
      reopen();
      return false;
    }
  }

  /**
   * A new channel; on a new connection when the old one is closed or turns out to be dead (just
   * after a reset the client may still believe it open).
   */
  private void reopen() {
    try {
      if (connection.isOpen()) {
        try {
          channel = connection.createChannel();
          return;
        } catch (java.io.IOException | RuntimeException dead) {
          connection.abort();
        }
      }
      connection = factory.newConnection("audit-test-reader");
      channel = connection.createChannel();
    } catch (Exception again) {
      throw new IllegalStateException(again);
    }
  }

  /** Reads until at least {@code count} messages arrived, or fails after {@code timeout}. */
  public List<Delivered> awaitAtLeast(int count, Duration timeout) {
    Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> poll().size() >= count);
    return poll();
  }

  /** The message ids received so far, in arrival order. */
  public List<String> ids() {
    return poll().stream().map(Delivered::messageId).toList();
  }

  /** Deletes the queue. */
  public void delete() {
    try {
      channel.queueDelete(queue);
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      // best effort
    }
  }
}
