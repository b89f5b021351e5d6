package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How confirms settle publishes, against a channel that only counts tags: the broker's acks and
 * nacks come with {@code multiple} or for one tag, in any order for single tags.
 */
class ConfirmChannelTests {

  private final List<String> errors = new ArrayList<>();
  private long nextTag = 1;
  private boolean refusePublish;

  private final Channel channel =
      (Channel)
          Proxy.newProxyInstance(
              Channel.class.getClassLoader(),
              new Class<?>[] {Channel.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getNextPublishSeqNo" -> nextTag;
                    case "basicPublish" -> {
                      if (refusePublish) {
                        throw new java.io.IOException("connection reset");
                      }
                      nextTag++;
                      yield null;
                    }
                    case "isOpen" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null; // listeners, confirmSelect
                  });

  private CompletableFuture<PublishResult> publish(ConfirmChannel confirms, String id)
      throws Exception {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(id).build();
    return confirms.publish("", "audit", properties, new byte[] {'{', '}'});
  }

  /** Publishes {@code count} events, tags 1 to {@code count}. */
  private List<CompletableFuture<PublishResult>> publish(ConfirmChannel confirms, int count)
      throws Exception {
    List<CompletableFuture<PublishResult>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(publish(confirms, "e" + i));
    }
    return results;
  }

  @Test
  void aMultipleAckSettlesEveryPublishUpToItsTagAndNoLaterOne() throws Exception {
    ConfirmChannel confirms = new ConfirmChannel(channel, errors::add);
    List<CompletableFuture<PublishResult>> results = publish(confirms, 5);
    confirms.handleAck(3, true);
    assertThat(results.subList(0, 3)).allMatch(f -> f.join() == PublishResult.CONFIRMED);
    assertThat(results.subList(3, 5)).noneMatch(CompletableFuture::isDone);
    confirms.handleNack(5, true);
    assertThat(results.get(3).join().status()).isEqualTo(PublishResult.Status.REJECTED);
    assertThat(results.get(4).join().reason()).isEqualTo("nack");
    assertThat(errors).containsExactly("nacked by the broker", "nacked by the broker");
  }

  @Test
  void singleConfirmsOutOfOrderSettleOnlyTheirOwnTag() throws Exception {
    ConfirmChannel confirms = new ConfirmChannel(channel, errors::add);
    List<CompletableFuture<PublishResult>> results = publish(confirms, 4);
    confirms.handleAck(3, false);
    confirms.handleAck(3, false); // a repeated confirm finds nothing
    assertThat(results.get(2).join()).isEqualTo(PublishResult.CONFIRMED);
    assertThat(List.of(results.get(0), results.get(1), results.get(3)))
        .noneMatch(CompletableFuture::isDone);
    confirms.handleNack(1, false);
    assertThat(results.get(0).join().reason()).isEqualTo("nack");
    confirms.handleAck(4, true); // multiple: 2 and 4 are left
    assertThat(results.get(1).join()).isEqualTo(PublishResult.CONFIRMED);
    assertThat(results.get(3).join()).isEqualTo(PublishResult.CONFIRMED);
  }

  @Test
  void aReturnedMessageIsRejectedWhenItsAckComes() throws Exception {
    ConfirmChannel confirms = new ConfirmChannel(channel, errors::add);
    CompletableFuture<PublishResult> first = publish(confirms, "same");
    CompletableFuture<PublishResult> second = publish(confirms, "same");
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("same").build();
    confirms.handleReturn(312, "NO_ROUTE", "", "audit", properties, new byte[0]);
    confirms.handleAck(2, true);
    assertThat(first.join().reason()).isEqualTo("returned"); // the oldest of that id
    assertThat(second.join()).isEqualTo(PublishResult.CONFIRMED);
    assertThat(errors).containsExactly("returned as unroutable: 312 NO_ROUTE");
  }

  @Test
  void aFailedPublishLeavesNothingBehindAndTheChannelsEndSettlesTheRest() throws Exception {
    ConfirmChannel confirms = new ConfirmChannel(channel, errors::add);
    CompletableFuture<PublishResult> kept = publish(confirms, "kept");
    refusePublish = true;
    org.assertj.core.api.Assertions.assertThatIOException()
        .isThrownBy(() -> publish(confirms, "refused"));
    refusePublish = false;
    confirms.fail("closed", "channel closed before the confirm");
    assertThat(kept.join().status()).isEqualTo(PublishResult.Status.UNCONFIRMED);
    assertThat(kept.join().reason()).isEqualTo("closed");
    assertThat(errors).containsExactly("channel closed before the confirm");
    confirms.fail("closed", "again"); // idempotent: nothing is left to settle or report
    assertThat(errors).hasSize(1);
  }
}
