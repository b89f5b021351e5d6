package io.auditrelay.testsupport;

import io.auditrelay.core.Auditor;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A producer's whole signed trail, published to a queue, for the consumer-side tests. */
public final class SignedTrail {

  private SignedTrail() {}

  /**
   * Records {@code events} events ({@link TestEvents}, producer 0) through an Auditor with
   * integrity on (stream {@code billing@pod-1}, a checkpoint after every {@code checkpointEvents}),
   * waits for every one, and closes it, so that the start, the events, the checkpoints and the end
   * are all published to {@code queue}, which must exist.
   *
   * @return how many messages the trail holds: the events, a checkpoint after every {@code
   *     checkpointEvents} of them, the start and the end
   */
  public static int publish(
      AmqpBroker broker, String queue, SigningKey key, int events, int checkpointEvents) {
    if (events % checkpointEvents == 0) {
      throw new IllegalArgumentException(
          "events must not be a multiple of checkpointEvents: whether a checkpoint falls just"
              + " before the end is not part of the trail's contract");
    }
    try (Auditor auditor =
        Auditor.builder()
            .rabbitUri(broker.uri())
            .queueName(queue)
            .declareQueue(false)
            .integrity(
                Integrity.builder("billing@pod-1")
                    .signingKey(key)
                    .checkpointEvents(checkpointEvents)
                    .checkpointInterval(Duration.ofHours(1))
                    .build())
            .shutdownHook(false)
            .build()) {
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        futures.add(auditor.record(TestEvents.event(0, i)));
      }
      futures.forEach(CompletableFuture::join);
    }
    return events + events / checkpointEvents + 2;
  }
}
