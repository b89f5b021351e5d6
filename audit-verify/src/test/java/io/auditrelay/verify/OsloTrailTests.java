package io.auditrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.core.MessageFormat;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.integrity.WireBodies;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The verifiable trail in the oslo.messaging formats, through the real broker, with an outage that
 * sends the first events through the store: the stamps and the chain are over the CADF event inside
 * each notification, so the trail verifies from the notifications as received and from the CADF
 * payloads alone (what a notification pipeline keeps). Fails on the code before: the Auditor
 * refused integrity with the oslo formats.
 */
class OsloTrailTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final AmqpBroker broker = RealServers.rabbitmq();
  private final SigningKey key = SigningKey.generate();

  @ParameterizedTest
  @EnumSource(
      value = MessageFormat.class,
      names = {"OSLO_V1", "OSLO_V2"})
  void anOsloTrailVerifiesFromTheNotificationsAndFromTheirPayloads(MessageFormat format)
      throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-oslo-trail-" + UUID.randomUUID();
    List<byte[]> bodies;
    try (TcpProxy proxy = TcpProxy.refusingTo(broker);
        QueueReader reader = new QueueReader(broker, queue).declare()) {
      Auditor auditor =
          Auditor.builder()
              .rabbitUri(broker.via(proxy).uri())
              .queueName(queue)
              .messageFormat(format)
              .deliveryMode(DeliveryMode.BUFFER_ON_FAILURE)
              .backingStore(new MemoryBackingStore(1000, Clock.systemUTC()))
              .initialBackoff(Duration.ofMillis(20))
              .maxBackoff(Duration.ofMillis(200))
              .integrity(
                  Integrity.builder("nova@compute-1")
                      .signingKey(key)
                      .checkpointEvents(10)
                      .checkpointInterval(Duration.ofHours(1))
                      .build())
              .shutdownHook(false)
              .build();
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        futures.add(auditor.record(TestEvents.event(0, i))); // buffered: the broker is away
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      proxy.restore();
      for (int i = 5; i < 25; i++) {
        futures.add(auditor.record(TestEvents.event(0, i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      auditor.close();
      // 25 events, the start, the end, and the checkpoints made once the store was drained: all
      // confirmed by close(), so in the queue.
      bodies =
          reader.awaitAtLeast(27, Duration.ofSeconds(30)).stream()
              .map(QueueReader.Delivered::body)
              .toList();
      reader.delete();
    }

    VerificationKeys keys = VerificationKeys.of(List.of(key.publicKey()));
    List<byte[]> payloads = new ArrayList<>();
    for (byte[] body : bodies) {
      JsonNode envelope = JSON.readTree(body);
      JsonNode message =
          format == MessageFormat.OSLO_V2
              ? JSON.readTree(envelope.get("oslo.message").asString())
              : envelope;
      byte[] cadf = WireBodies.cadf(body);
      CadfValidator.validate(CadfJson.read(cadf)); // every payload is valid CADF, stamp and all
      assertThat(message.get("payload")).isEqualTo(JSON.readTree(cadf));
      assertThat(message.get("message_id").asString()).isEqualTo(CadfJson.read(cadf).id());
      payloads.add(cadf); // what a notification pipeline keeps: the payload as it was sent
    }
    for (List<byte[]> trail : List.of(bodies, payloads)) {
      TrailVerifier verifier = new TrailVerifier(keys);
      trail.forEach(verifier::accept);
      TrailReport report = verifier.report();
      assertThat(report.streams()).as(report.describe()).hasSize(1);
      StreamReport stream = report.streams().get(0);
      assertThat(stream.verdict()).as(report.describe()).isEqualTo(StreamReport.Verdict.VERIFIED);
      assertThat(stream.events()).isEqualTo(bodies.size());
      assertThat(stream.ended()).isTrue();
      assertThat(stream.signaturesChecked()).isTrue();
    }

    // A notification dropped, and one whose event was edited inside its envelope.
    List<byte[]> tampered = new ArrayList<>(bodies);
    tampered.remove(3);
    int edited = -1;
    for (int i = 0; i < tampered.size() && edited < 0; i++) {
      if (new String(tampered.get(i), StandardCharsets.UTF_8).contains("user-0")) {
        edited = i;
      }
    }
    tampered.set(
        edited,
        new String(tampered.get(edited), StandardCharsets.UTF_8)
            .replace("user-0", "adm-00")
            .getBytes(StandardCharsets.UTF_8));
    TrailVerifier verifier = new TrailVerifier(keys);
    tampered.forEach(verifier::accept);
    StreamReport report = verifier.report().streams().get(0);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.TAMPERED);
    assertThat(report.holes()).hasSize(1);
    assertThat(report.problems()).hasSize(1);
  }
}
