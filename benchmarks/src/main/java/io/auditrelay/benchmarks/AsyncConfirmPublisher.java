package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import java.io.IOException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The physical limit for publishing: the raw amqp-client on one channel with asynchronous publisher
 * confirms and at most {@value #OUTSTANDING} unconfirmed messages in flight.
 */
final class AsyncConfirmPublisher {

  static final int OUTSTANDING = 1000;

  private final Channel channel;
  private final String queue;
  private final Semaphore window = new Semaphore(OUTSTANDING);
  private final ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();

  AsyncConfirmPublisher(Channel channel, String queue) throws IOException {
    this.channel = channel;
    this.queue = queue;
    channel.confirmSelect();
    ConfirmListener listener =
        new ConfirmListener() {
          @Override
          public void handleAck(long tag, boolean multiple) {
            settle(tag, multiple);
          }

          @Override
          public void handleNack(long tag, boolean multiple) {
            settle(tag, multiple); // counted as done: the limit is a rate, not a guarantee
          }
        };
    channel.addConfirmListener(listener);
  }

  private void settle(long tag, boolean multiple) {
    if (multiple) {
      var head = unconfirmed.headSet(tag, true);
      int n = head.size();
      head.clear();
      window.release(n);
    } else if (unconfirmed.remove(tag)) {
      window.release();
    }
  }

  /** Publishes one persistent message, waiting while {@value #OUTSTANDING} are unconfirmed. */
  void publish(byte[] body) throws IOException, InterruptedException {
    window.acquire();
    synchronized (this) {
      unconfirmed.add(channel.getNextPublishSeqNo());
      channel.basicPublish("", queue, true, Fixtures.properties(), body);
    }
  }

  /** Waits until every published message is confirmed. */
  void drain() throws InterruptedException {
    if (!window.tryAcquire(OUTSTANDING, 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("confirms did not arrive");
    }
    window.release(OUTSTANDING);
  }
}
