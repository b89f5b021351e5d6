package io.auditrelay.core;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import io.auditrelay.secrets.Secrets;
import io.auditrelay.store.SerializedEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Publishes persistent, {@code mandatory} messages with publisher confirms on a connection of a
 * spring-rabbit {@link ConnectionFactory} (its connection listeners, blocked listeners and {@link
 * RabbitAdmin} declarations). The messages go to one {@link ConfirmChannel} that this publisher
 * keeps open across batches, so several batches can be in flight and a channel failure fails all of
 * them in order. Spring's {@code RabbitTemplate} lends a channel per operation and cannot keep
 * confirms of one batch pending while the next is sent on the same channel. No retry here: a
 * failure goes to the store at once.
 */
final class RabbitPublisher implements Publisher, ConnectionListener {

  private static final Logger log = LoggerFactory.getLogger(RabbitPublisher.class);
  private static final String CONTENT_TYPE = "application/json";

  private final ConnectionFactory connectionFactory;
  private final boolean ownsConnectionFactory;
  private final @Nullable RabbitAdmin admin;
  private final Queue queue;
  private final String exchange;
  private final String routingKey;
  private final Duration confirmTimeout;
  private final Clock clock;
  private final boolean traceHeaders;
  private volatile boolean declared;
  private volatile boolean connected;

  /**
   * The broker sent {@code connection.blocked} (a memory or disk alarm): it stops reading from the
   * connection, so a publish would hang in the socket write. Nothing is sent until it unblocks;
   * batches go to the store.
   */
  private volatile boolean blocked;

  /** The channel batches go to; replaced after it failed. Delivery thread only. */
  private @Nullable ConfirmChannel current;

  /** Batches sent and not yet awaited. Delivery thread only. */
  private int unawaited;

  /** Whether messages carry the AMQP {@code timestamp} property (the time of publishing). */
  private final boolean timestamp;

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
      Clock clock,
      boolean traceHeaders,
      boolean timestamp) {
    this.traceHeaders = traceHeaders;
    this.timestamp = timestamp;
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
    this.admin = declareQueue ? new RabbitAdmin(connectionFactory) : null;
    connectionFactory.addConnectionListener(this);
  }

  @Override
  public Sent send(List<SerializedEvent> batch) {
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    unawaited++;
    if (blocked) {
      return failed(batch, List.of(), false, "blocked", deadline);
    }
    List<CompletableFuture<PublishResult>> results = new ArrayList<>(batch.size());
    try {
      declareIfNeeded();
      ConfirmChannel channel = channel();
      if (channel == null) {
        // The earlier failure already set lastError; this one is its consequence.
        return failed(batch, List.of(), false, "closed", deadline);
      }
      for (SerializedEvent event : batch) {
        results.add(channel.publish(exchange, routingKey, properties(event), event.payload()));
      }
    } catch (IOException | RuntimeException e) {
      // Spring's AmqpException, and the client's own ones (an AlreadyClosedException when the
      // channel or the connection just died).
      connected = connected && !(e instanceof org.springframework.amqp.AmqpConnectException);
      lastError = describe(e);
      log.debug(
          "Publishing failed after {} of {} messages: {}", results.size(), batch.size(), lastError);
      // Those sent may still be confirmed; the one that threw may have been written in part.
      return failed(batch, results, true, "error", deadline);
    }
    return new Sent(results, deadline);
  }

  /**
   * The results of a batch of which only {@code sent} went out, and the next one too if {@code
   * tried} (its publish threw: it may have been written in part).
   */
  private static Sent failed(
      List<SerializedEvent> batch,
      List<CompletableFuture<PublishResult>> sent,
      boolean tried,
      String reason,
      long deadline) {
    List<CompletableFuture<PublishResult>> results = new ArrayList<>(sent);
    if (tried && results.size() < batch.size()) {
      results.add(CompletableFuture.completedFuture(PublishResult.unconfirmed(reason)));
    }
    while (results.size() < batch.size()) {
      results.add(CompletableFuture.completedFuture(PublishResult.unsent(reason)));
    }
    return new Sent(results, deadline);
  }

  @Override
  public List<PublishResult> await(Sent sent) {
    List<PublishResult> results = Publisher.super.await(sent);
    unawaited--;
    ConfirmChannel channel = current;
    if (channel != null && results.stream().anyMatch(r -> r.reason().equals("nack"))) {
      // A nack leaves the channel open, but after a quorum queue's leader moved RabbitMQ kept
      // nacking every publish on that channel for minutes while a new channel was accepted at
      // once (seen with 3.10 in the cluster failover test). So a channel that nacked is replaced;
      // what else is unconfirmed on it fails with it, which keeps the order contract.
      channel.discard("closed", "nacked by the broker; publishing on a new channel");
      return results;
    }
    if (channel != null && results.stream().anyMatch(r -> r.reason().equals("timeout"))) {
      // Late confirms must not make a later batch delivered while this one goes to the store:
      // everything else unconfirmed on the channel fails with it, and the channel takes nothing
      // new until every batch sent before has been settled.
      channel.expire("no confirm within " + confirmTimeout);
    }
    return results;
  }

  /**
   * The channel to publish on, or null when none may be used now. A new channel is opened, or a
   * timed-out one used again, only when every batch sent before has been awaited: a batch sent
   * after one that failed (on a failed or timed-out channel, or with no channel at all) must fail
   * too (the order contract of {@link Publisher}), never succeed ahead of it.
   */
  private @Nullable ConfirmChannel channel() throws IOException {
    ConfirmChannel channel = current;
    if (channel != null && channel.usable()) {
      return channel;
    }
    if (unawaited > 1) {
      return null;
    }
    if (channel != null && channel.reusable()) {
      channel.reuse(); // after a confirm timeout: no round trip to open another
      return channel;
    }
    Channel raw = connectionFactory.createConnection().getDelegate().createChannel();
    if (raw == null) {
      throw new IOException("the broker allows no more channels on the connection");
    }
    channel = new ConfirmChannel(raw, error -> lastError = error);
    current = channel;
    return channel;
  }

  /**
   * The root cause of a failure, for operators; the broker's reply text names the problem. A TLS
   * failure is named by its handshake message ({@code PKIX path building failed}, {@code No subject
   * alternative names matching ...}), which the root cause alone does not carry.
   */
  static String describe(Throwable e) {
    Throwable root = e;
    javax.net.ssl.SSLException tls = null;
    while (true) {
      if (tls == null && root instanceof javax.net.ssl.SSLException ssl) {
        tls = ssl;
      }
      if (root.getCause() == null || root.getCause() == root) {
        break;
      }
      root = root.getCause();
    }
    String text = root.getClass().getSimpleName() + message(root);
    if (tls != null && tls != root) {
      text =
          "TLS handshake failed: "
              + tls.getClass().getSimpleName()
              + message(tls)
              + " ("
              + text
              + ")";
    } else if (tls != null) {
      text = "TLS handshake failed: " + text;
    }
    return Secrets.maskUrl(text);
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? "" : ": " + e.getMessage();
  }

  @Override
  public String lastError() {
    return lastError;
  }

  private AMQP.BasicProperties properties(SerializedEvent event) {
    AMQP.BasicProperties.Builder properties =
        new AMQP.BasicProperties.Builder()
            .deliveryMode(2) // persistent
            .messageId(event.id())
            .contentType(CONTENT_TYPE)
            .contentEncoding("UTF-8");
    if (timestamp) {
      properties.timestamp(new Date(clock.millis()));
    }
    if (traceHeaders) {
      // The trace context record() kept in the event, also for an event drained hours later.
      Map<String, Object> headers = Tracing.headers(event.payload());
      if (!headers.isEmpty()) {
        properties.headers(headers);
      }
    }
    return properties.build();
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
    ConfirmChannel channel = current;
    if (channel != null) {
      channel.discard("closed", "the publisher closed");
    }
    connectionFactory.removeConnectionListener(this);
    if (ownsConnectionFactory && connectionFactory instanceof CachingConnectionFactory caching) {
      caching.destroy();
    }
  }
}
