package io.auditrelay.core;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.auditrelay.secrets.Secrets;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP channel in confirm mode, owned by the publisher for as long as it stays open, with the
 * publishes not yet confirmed on it. Each publish gets a future that the broker's ack, nack or
 * return, or the channel's end, completes. Publishing happens on the delivery thread; confirms,
 * returns and the shutdown arrive on the connection's thread.
 *
 * <p>A channel is never reused after it failed: {@link #fail} completes everything still
 * unconfirmed on it, so no later publish on it can be confirmed after an earlier one failed. After
 * a confirm timeout ({@link #expire}) it takes no publish until the publisher has settled every
 * batch sent before and calls {@link #reuse()}.
 *
 * <p>The unconfirmed publishes are kept in a queue in the order of their delivery tags, which rise
 * with every publish: an ack or nack for several settles them from its head, each in constant time,
 * where a sorted map would cost the delivery thread a search per publish. Futures are completed
 * outside the queue's lock.
 */
final class ConfirmChannel implements ConfirmListener, ReturnListener, ShutdownListener {

  private static final Logger log = LoggerFactory.getLogger(ConfirmChannel.class);

  private final Channel channel;
  private final Consumer<String> errors;

  /** Publishes not yet confirmed, in the order of their tags; guarded by itself. */
  private final ArrayDeque<Slot> unconfirmed = new ArrayDeque<>();

  private volatile boolean failed;

  /** Set by a confirm timeout: no new publishes until {@link #reuse()}. */
  private volatile boolean expired;

  /** A publish awaiting its confirm; {@code returned} is set by a return, before the ack. */
  private static final class Slot {
    final long tag;
    final String messageId;
    final CompletableFuture<PublishResult> result = new CompletableFuture<>();
    volatile @Nullable String returned;

    Slot(long tag, String messageId) {
      this.tag = tag;
      this.messageId = messageId;
    }
  }

  /**
   * Puts {@code channel} in confirm mode and listens to it.
   *
   * @param errors told why a publish failed (secrets masked), for {@link Publisher#lastError()}
   */
  ConfirmChannel(Channel channel, Consumer<String> errors) throws IOException {
    this.channel = channel;
    this.errors = errors;
    channel.addShutdownListener(this);
    channel.addConfirmListener(this);
    channel.addReturnListener(this);
    channel.confirmSelect();
  }

  /** Whether new publishes may go to this channel now. */
  boolean usable() {
    return !failed && !expired && channel.isOpen();
  }

  /**
   * Whether the channel may be used again after a confirm timeout (it has not failed otherwise).
   */
  boolean reusable() {
    return !failed && channel.isOpen();
  }

  /**
   * A confirm timeout: everything unconfirmed completes as unconfirmed with reason {@code timeout},
   * late confirms of it are ignored, and nothing new is published until {@link #reuse()}. The
   * channel stays open: replacing it would need a round trip to a broker that has stopped answering
   * (opening a channel waits for the broker's reply).
   */
  void expire(String error) {
    expired = true;
    completeUnconfirmed("timeout", error);
  }

  /** Publishing may go on after {@link #expire}: every batch sent before has been settled. */
  void reuse() {
    expired = false;
  }

  /**
   * Publishes one persistent, {@code mandatory} message.
   *
   * @throws IOException or a runtime exception of the client when the channel is closed
   */
  CompletableFuture<PublishResult> publish(
      String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body)
      throws IOException {
    Slot slot = new Slot(channel.getNextPublishSeqNo(), properties.getMessageId());
    synchronized (unconfirmed) {
      unconfirmed.addLast(slot); // before the publish: the ack may arrive before it returns
    }
    try {
      channel.basicPublish(exchange, routingKey, true, properties, body);
    } catch (IOException | RuntimeException e) {
      synchronized (unconfirmed) {
        unconfirmed.removeLastOccurrence(slot);
      }
      throw e;
    }
    if (failed) {
      // The channel ended between the registration and the publish: settle what it left.
      fail("closed", "channel closed before the confirm");
    }
    return slot.result;
  }

  @Override
  public void handleAck(long deliveryTag, boolean multiple) {
    settle(deliveryTag, multiple, true);
  }

  @Override
  public void handleNack(long deliveryTag, boolean multiple) {
    settle(deliveryTag, multiple, false);
  }

  private void settle(long deliveryTag, boolean multiple, boolean ack) {
    for (Slot slot : take(deliveryTag, multiple)) {
      String returned = slot.returned;
      if (returned != null) {
        // RabbitMQ acks an unroutable mandatory message after returning it, Qpid nacks it: either
        // way it was not delivered.
        errors.accept("returned as unroutable: " + returned);
        slot.result.complete(PublishResult.rejected("returned"));
      } else if (!ack) {
        errors.accept("nacked by the broker");
        slot.result.complete(PublishResult.rejected("nack"));
      } else {
        slot.result.complete(PublishResult.CONFIRMED);
      }
    }
  }

  /** Takes out the publish of {@code deliveryTag}, and with {@code multiple} every one before. */
  private List<Slot> take(long deliveryTag, boolean multiple) {
    synchronized (unconfirmed) {
      if (multiple) {
        List<Slot> settled = new ArrayList<>();
        while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().tag <= deliveryTag) {
          settled.add(unconfirmed.pollFirst());
        }
        return settled;
      }
      for (Iterator<Slot> slots = unconfirmed.iterator(); slots.hasNext(); ) {
        Slot slot = slots.next();
        if (slot.tag == deliveryTag) {
          slots.remove();
          return List.of(slot);
        }
        if (slot.tag > deliveryTag) {
          break;
        }
      }
      return List.of();
    }
  }

  @Override
  public void handleReturn(
      int replyCode,
      String replyText,
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body) {
    // A return precedes its ack: the oldest unconfirmed publish of this message id is the one.
    String messageId = properties.getMessageId();
    synchronized (unconfirmed) {
      for (Slot slot : unconfirmed) {
        if (slot.returned == null && slot.messageId.equals(messageId)) {
          slot.returned = replyCode + " " + replyText;
          return;
        }
      }
    }
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    fail("closed", "channel closed before the confirm: " + Secrets.maskUrl(cause.getMessage()));
  }

  /**
   * Ends this channel for publishing: everything unconfirmed on it completes as unconfirmed with
   * {@code reason}; late confirms are ignored. Idempotent.
   */
  void fail(String reason, String error) {
    failed = true;
    completeUnconfirmed(reason, error);
  }

  private void completeUnconfirmed(String reason, String error) {
    List<Slot> left;
    synchronized (unconfirmed) {
      left = new ArrayList<>(unconfirmed);
      unconfirmed.clear();
    }
    if (!left.isEmpty()) {
      errors.accept(error);
    }
    for (Slot slot : left) {
      slot.result.complete(PublishResult.unconfirmed(reason));
    }
  }

  /**
   * Fails what is unconfirmed and closes the channel on a short-lived thread: closing waits for the
   * broker's reply, which a broker that stopped answering never sends. For the publisher's close.
   */
  void discard(String reason, String error) {
    fail(reason, error);
    Thread closer =
        new Thread(
            () -> {
              try {
                channel.abort();
              } catch (IOException | RuntimeException e) {
                log.debug("Closing a failed audit channel: {}", e.toString());
              }
            },
            "audit-channel-close");
    closer.setDaemon(true);
    closer.start();
  }
}
