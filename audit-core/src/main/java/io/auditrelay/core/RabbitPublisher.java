package io.auditrelay.core;

import com.rabbitmq.client.BlockedListener;
import io.auditrelay.store.Secrets;
import io.auditrelay.store.SerializedEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes through spring-rabbit with correlated publisher confirms, {@code mandatory} and
 * persistent delivery. A batch is sent on one channel and its confirms are awaited together.
 * Template retry stays off: a failure goes to the store at once.
 */
final class RabbitPublisher implements Publisher, ConnectionListener {

  private static final Logger log = LoggerFactory.getLogger(RabbitPublisher.class);
  private static final AtomicLong CORRELATION = new AtomicLong();

  private final ConnectionFactory connectionFactory;
  private final boolean ownsConnectionFactory;
  private final RabbitTemplate template;
  private final @Nullable RabbitAdmin admin;
  private final Queue queue;
  private final String exchange;
  private final String routingKey;
  private final Duration confirmTimeout;
  private final Clock clock;
  private volatile boolean declared;
  private volatile boolean connected;

  /**
   * The broker sent {@code connection.blocked} (a memory or disk alarm): it stops reading from the
   * connection, so a publish would hang in the socket write. Nothing is sent until it unblocks;
   * batches go to the store.
   */
  private volatile boolean blocked;

  private volatile Runnable onConnected = () -> {};
  private volatile String lastError = "";

  RabbitPublisher(
      ConnectionFactory connectionFactory,
      boolean ownsConnectionFactory,
      String queueName,
      QueueType queueType,
      boolean declareQueue,
      String exchange,
      String routingKey,
      Duration confirmTimeout,
      Clock clock) {
    if (!connectionFactory.isPublisherConfirms() || !connectionFactory.isPublisherReturns()) {
      throw new IllegalArgumentException(
          "The RabbitMQ ConnectionFactory must have correlated publisher confirms and publisher"
              + " returns enabled (Spring Boot: spring.rabbitmq.publisher-confirm-type=correlated"
              + " and spring.rabbitmq.publisher-returns=true), or give Audit Relay its own"
              + " connection (audit.rabbitmq.url)");
    }
    this.connectionFactory = connectionFactory;
    this.ownsConnectionFactory = ownsConnectionFactory;
    this.queue =
        new Queue(
            queueName,
            true,
            false,
            false,
            queueType == QueueType.QUORUM ? Map.of("x-queue-type", "quorum") : null);
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.confirmTimeout = confirmTimeout;
    this.clock = clock;
    this.template = new RabbitTemplate(connectionFactory);
    template.setMandatory(true);
    // Returns are read from each CorrelationData; the callback only has to exist.
    template.setReturnsCallback(
        returned -> log.debug("Message returned: {}", returned.getReplyText()));
    this.admin = declareQueue ? new RabbitAdmin(connectionFactory) : null;
    connectionFactory.addConnectionListener(this);
  }

  @Override
  public List<PublishResult> publish(List<SerializedEvent> batch) {
    if (blocked) {
      List<PublishResult> results = new ArrayList<>(batch.size());
      batch.forEach(e -> results.add(PublishResult.unconfirmed("blocked")));
      return results;
    }
    List<CorrelationData> sent = new ArrayList<>(batch.size());
    String failure = null;
    try {
      declareIfNeeded();
      template.invoke(
          ops -> {
            for (SerializedEvent event : batch) {
              CorrelationData correlation =
                  new CorrelationData(event.id() + "#" + CORRELATION.incrementAndGet());
              ops.send(exchange, routingKey, message(event), correlation);
              sent.add(correlation);
            }
            return null;
          });
    } catch (RuntimeException e) {
      // Spring's AmqpException, and the client's own ones that Spring lets through (an
      // AlreadyClosedException while a channel is created on a connection that just died).
      connected = connected && !(e instanceof org.springframework.amqp.AmqpConnectException);
      failure = "error";
      lastError = describe(e);
      log.debug(
          "Publishing failed after {} of {} messages: {}", sent.size(), batch.size(), lastError);
    }
    List<PublishResult> results = new ArrayList<>(batch.size());
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    for (CorrelationData correlation : sent) {
      results.add(await(correlation, deadline));
    }
    while (results.size() < batch.size()) {
      results.add(PublishResult.unconfirmed(failure == null ? "error" : failure));
    }
    return results;
  }

  /** The root cause of a failure, for operators; the broker's reply text names the problem. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage();
    return Secrets.maskUrl(root.getClass().getSimpleName() + message);
  }

  @Override
  public String lastError() {
    return lastError;
  }

  private PublishResult await(CorrelationData correlation, long deadline) {
    CorrelationData.Confirm confirm;
    try {
      long remaining = Math.max(0, deadline - System.nanoTime());
      confirm = correlation.getFuture().get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      lastError = "no confirm within " + confirmTimeout;
      return PublishResult.unconfirmed("timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PublishResult.unconfirmed("error");
    } catch (ExecutionException e) {
      return PublishResult.unconfirmed("error");
    }
    if (correlation.getReturned() != null) {
      lastError = "returned as unroutable: " + correlation.getReturned().getReplyText();
      // RabbitMQ acks an unroutable mandatory message after returning it; it was not delivered.
      return PublishResult.rejected("returned");
    }
    if (confirm.ack()) {
      return PublishResult.CONFIRMED;
    }
    // A nack with a cause was generated locally because the channel closed: the broker may or may
    // not have the message. A nack without a cause came from the broker.
    if (confirm.reason() == null) {
      lastError = "nacked by the broker";
      return PublishResult.rejected("nack");
    }
    lastError = "channel closed before the confirm: " + Secrets.maskUrl(confirm.reason());
    return PublishResult.unconfirmed("closed");
  }

  private Message message(SerializedEvent event) {
    MessageProperties properties = new MessageProperties();
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    properties.setMessageId(event.id());
    properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    properties.setContentEncoding("UTF-8");
    properties.setTimestamp(new Date(clock.millis()));
    return new Message(event.payload(), properties);
  }

  private void declareIfNeeded() {
    if (admin != null && !declared) {
      admin.declareQueue(queue);
      declared = true;
    }
  }

  @Override
  public boolean connected() {
    return connected && !blocked;
  }

  @Override
  public void onConnected(Runnable action) {
    this.onConnected = action;
  }

  @Override
  public void onCreate(Connection connection) {
    connected = true;
    blocked = false;
    declared = false;
    connection.addBlockedListener(
        new BlockedListener() {
          @Override
          public void handleBlocked(String reason) {
            blocked = true;
            lastError = "connection blocked by the broker (" + reason + ")";
            log.warn("RabbitMQ blocked the audit connection: {}", reason);
          }

          @Override
          public void handleUnblocked() {
            blocked = false;
            log.info("RabbitMQ unblocked the audit connection");
            onConnected.run();
          }
        });
    onConnected.run();
  }

  @Override
  public void onClose(Connection connection) {
    connected = false;
    declared = false;
  }

  @Override
  public void onShutDown(com.rabbitmq.client.ShutdownSignalException signal) {
    if (!signal.isHardError()) {
      return; // a channel closed; the connection is still up
    }
    connected = false;
    declared = false;
  }

  @Override
  public void onFailed(Exception exception) {
    connected = false;
  }

  @Override
  public void close() {
    connectionFactory.removeConnectionListener(this);
    if (ownsConnectionFactory && connectionFactory instanceof CachingConnectionFactory caching) {
      caching.destroy();
    }
  }
}
