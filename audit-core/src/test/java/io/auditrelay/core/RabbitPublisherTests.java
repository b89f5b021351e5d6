package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.core.PublishResult.Status;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.testsupport.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The order contract of {@link Publisher} with batches in flight on the real broker: when one batch
 * fails for its channel (closed, or no confirm in time), every batch sent after it fails too, so a
 * later batch is never delivered while an earlier one goes back to the store.
 */
class RabbitPublisherTests extends BrokerTestSupport {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private RabbitPublisher publisher(TcpProxy proxy, Duration confirmTimeout) throws Exception {
    CachingConnectionFactory factory =
        new CachingConnectionFactory(new URI(broker.via(proxy).uri()));
    RabbitPublisher publisher =
        new RabbitPublisher(
            factory,
            true,
            queue,
            QueueType.CLASSIC,
            true,
            "",
            queue,
            confirmTimeout,
            Clock.systemUTC(),
            false,
            true);
    return closeLater(publisher);
  }

  private static List<SerializedEvent> batch(String prefix, int size) {
    List<SerializedEvent> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      batch.add(
          new SerializedEvent(
              prefix + "-" + i,
              ("{\"n\":\"" + prefix + i + "\"}").getBytes(StandardCharsets.UTF_8)));
    }
    return batch;
  }

  private static List<Status> statuses(List<PublishResult> results) {
    return results.stream().map(PublishResult::status).distinct().toList();
  }

  @Test
  void aBatchSentAfterTheChannelDiedFailsInsteadOfOvertakingTheBatchesBeforeIt() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.to(broker));
    RabbitPublisher publisher = publisher(proxy, Duration.ofSeconds(5));
    assertThat(statuses(publisher.publish(batch("warm", 1)))).containsExactly(Status.CONFIRMED);

    proxy.delayResponses(2000); // keep the first batch's confirms away
    Publisher.Sent first = publisher.send(batch("first", 20));
    proxy.cut();
    await().atMost(WAIT).until(() -> !publisher.connected());
    proxy.delayResponses(0);
    proxy.restore(); // a new connection would work now
    Publisher.Sent second = publisher.send(batch("second", 20));

    assertThat(statuses(publisher.await(first))).containsExactly(Status.UNCONFIRMED);
    assertThat(statuses(publisher.await(second)))
        .as("sent after the first failed: never on a new channel ahead of it")
        .containsExactly(Status.UNCONFIRMED);
    // Everything before has been settled: the next batch opens a new channel and is delivered.
    assertThat(statuses(publisher.publish(batch("third", 5)))).containsExactly(Status.CONFIRMED);
    assertThat(reader.awaitAtLeast(6, WAIT))
        .extracting(d -> d.messageId())
        .doesNotContainAnyElementsOf(
            batch("second", 20).stream().map(SerializedEvent::id).toList());
  }

  @Test
  void aConfirmTimeoutFailsEveryLaterBatchOnTheChannelAndLateAcksChangeNothing() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.to(broker));
    RabbitPublisher publisher = publisher(proxy, Duration.ofMillis(300));
    assertThat(statuses(publisher.publish(batch("warm", 1)))).containsExactly(Status.CONFIRMED);

    proxy.delayResponses(1000);
    Publisher.Sent first = publisher.send(batch("first", 10));
    // Not a wait for a condition: it puts the second batch's own deadline 250 ms after the first's.
    Thread.sleep(250);
    Publisher.Sent second = publisher.send(batch("second", 10));
    List<PublishResult> firstResults = publisher.await(first);
    long secondStarted = System.nanoTime();
    List<PublishResult> secondResults = publisher.await(second);

    assertThat(firstResults).allMatch(r -> r.reason().equals("timeout"));
    assertThat(secondResults).allMatch(r -> r.reason().equals("timeout"));
    assertThat(Duration.ofNanos(System.nanoTime() - secondStarted))
        .as("the later batch failed with the channel, without waiting for its own deadline")
        .isLessThan(Duration.ofMillis(150));
    assertThat(publisher.lastError()).contains("no confirm within");

    proxy.delayResponses(0); // chunks already delayed still arrive late: try until through
    await()
        .atMost(WAIT)
        .until(
            () -> statuses(publisher.publish(batch("third", 5))).equals(List.of(Status.CONFIRMED)));
  }
}
