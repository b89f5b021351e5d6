package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidationException;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.integrity.Digests;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.TrailMac;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.integrity.WireBodies;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.ForwardingBackingStore;
import io.auditrelay.testsupport.Keytool;
import io.auditrelay.testsupport.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer side of the verifiable trail with a scripted publisher: stamps, chain and
 * checkpoints as delivered, and the drain's check of stored events.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IntegrityTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DeliveryLoopTests.ScriptedPublisher publisher =
      new DeliveryLoopTests.ScriptedPublisher();
  private final SigningKey key = SigningKey.generate();
  private Auditor auditor;

  @AfterEach
  void close() {
    if (auditor != null) {
      auditor.close();
    }
  }

  private Auditor start(BackingStore store, DeliveryMode mode, Integrity integrity) {
    auditor =
        Auditor.builder()
            .queueName("q")
            .publisher(publisher)
            .backingStore(store)
            .deliveryMode(mode)
            .batchSize(10)
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(20))
            .meterRegistry(registry)
            .integrity(integrity)
            .shutdownHook(false)
            .build();
    return auditor;
  }

  private Integrity integrity(int checkpointEvents) {
    return Integrity.builder("billing@pod-1")
        .signingKey(key)
        .checkpointEvents(checkpointEvents)
        .checkpointInterval(Duration.ofHours(1))
        .build();
  }

  private void record(int count) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      futures.add(auditor.record(AuditorIntegrationTests.event(0, i)));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
  }

  private static JsonNode content(byte[] body, String typeUri) {
    for (JsonNode a : JSON.readTree(body).get("attachments")) {
      if (a.get("typeURI").asString().equals(typeUri)) {
        return a.get("content");
      }
    }
    return null;
  }

  private static IntegrityStamp stamp(SerializedEvent event) {
    return IntegrityStamp.fromContent(content(event.payload(), IntegrityStamp.TYPE_URI));
  }

  private double tampered() {
    return registry.find("audit.events.quarantined").tag("reason", "tampered").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void aCheckpointSharesItsBatchWithTheEventsWaitingBehindIt() {
    // The first batch is held while 29 events queue: the checkpoints at 11 and 22 then go out with
    // the events waiting behind them, not in writes of their own (29 events: no third one is due).
    // Before, every checkpoint was a batch of one (a publish, or an fsync or commit of its own).
    publisher.holdFirstCall();
    start(
        new MemoryBackingStore(1000, Clock.systemUTC()),
        DeliveryMode.BUFFER_ON_FAILURE,
        integrity(10));
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 29; i++) {
      futures.add(auditor.record(AuditorIntegrationTests.event(0, i)));
    }
    await().until(() -> publisher.entered.get() == 1);
    publisher.release();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

    List<List<SerializedEvent>> withCheckpoint =
        publisher.batches.stream()
            .filter(batch -> content(batch.get(0).payload(), Checkpoint.TYPE_URI) != null)
            .toList();
    assertThat(withCheckpoint).as("the start and the checkpoints at 11 and 22").hasSize(3);
    assertThat(withCheckpoint.subList(1, 3))
        .as("each periodic checkpoint leads a batch of the events queued behind it")
        .allSatisfy(batch -> assertThat(batch).hasSize(10));
    for (List<SerializedEvent> batch : publisher.batches) {
      for (int i = 1; i < batch.size(); i++) {
        assertThat(stamp(batch.get(i)).seq()).isEqualTo(stamp(batch.get(i - 1)).seq() + 1);
      }
    }
  }

  @Test
  void deliveredEventsFormOneChainWithSignedStartCheckpointsAndEnd() {
    start(
        new MemoryBackingStore(1000, Clock.systemUTC()),
        DeliveryMode.BUFFER_ON_FAILURE,
        integrity(10));
    record(35);
    auditor.close();

    List<SerializedEvent> published = publisher.published;
    VerificationKeys keys = VerificationKeys.of(List.of(key.publicKey()));
    String prev = Digests.ZERO;
    List<Checkpoint.Kind> kinds = new ArrayList<>();
    for (int i = 0; i < published.size(); i++) {
      byte[] body = published.get(i).payload();
      IntegrityStamp stamp = stamp(published.get(i));
      assertThat(stamp.seq()).as("gap-free, in delivery order").isEqualTo(i);
      assertThat(stamp.prev()).as("seq %d links to the hash of the one before", i).isEqualTo(prev);
      assertThat(stamp.key()).isEqualTo(key.keyId());
      assertThat(stamp.stream()).isEqualTo("billing@pod-1");
      CadfValidator.validate(CadfJson.read(body)); // every event, checkpoints too, is valid CADF
      JsonNode cp = content(body, Checkpoint.TYPE_URI);
      if (cp != null) {
        Checkpoint checkpoint = Checkpoint.fromContent(cp);
        assertThat(checkpoint.verifiedBy(keys)).isTrue();
        assertThat(checkpoint.head()).isEqualTo(prev);
        assertThat(checkpoint.seq()).isEqualTo(i);
        kinds.add(checkpoint.kind());
      }
      prev = linkOf(body, stamp.mac());
    }
    assertThat(kinds)
        .containsExactly(
            Checkpoint.Kind.START,
            Checkpoint.Kind.CHECKPOINT,
            Checkpoint.Kind.CHECKPOINT,
            Checkpoint.Kind.CHECKPOINT,
            Checkpoint.Kind.END);
    assertThat(published).hasSize(35 + 5);
  }

  @Test
  void noCheckpointIsMadeWhileAStoreThatDiesWithTheProcessHoldsEvents() {
    // Fails on the code before: a periodic checkpoint was made (and buffered behind them) while the
    // memory store held events, so a crash would have shown them as a hole below a checkpoint.
    MemoryBackingStore store = new MemoryBackingStore(1000, Clock.systemUTC());
    publisher.down = true;
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    start(
        store,
        DeliveryMode.BUFFER_ON_FAILURE,
        Integrity.builder("billing@pod-1")
            .signingKey(key)
            .checkpointInterval(Duration.ofMillis(20))
            .build());
    for (int i = 0; i < 5; i++) {
      auditor.record(AuditorIntegrationTests.event(0, i));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> store.stats().events() >= 6);
    // Many checkpoint intervals pass while the broker is down: the store keeps the start and the 5.
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.stats().events() == 6);

    publisher.down = false;
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(Duration.ofSeconds(20)).until(() -> publisher.published.size() >= 7);
    List<SerializedEvent> published = List.copyOf(publisher.published);
    // The first checkpoint after the start comes once the backlog has been delivered.
    assertThat(content(published.get(0).payload(), Checkpoint.TYPE_URI)).isNotNull();
    for (int i = 1; i <= 5; i++) {
      assertThat(content(published.get(i).payload(), Checkpoint.TYPE_URI)).isNull();
    }
    assertThat(Checkpoint.fromContent(content(published.get(6).payload(), Checkpoint.TYPE_URI)))
        .satisfies(c -> assertThat(c.seq()).isEqualTo(6));
  }

  @Test
  void aStampedEventIsByteIdenticalWhenDrainedAfterAFailedLivePublish() {
    MemoryBackingStore store = new MemoryBackingStore(1000, Clock.systemUTC());
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("timeout")).toList();
    start(store, DeliveryMode.BUFFER_ON_FAILURE, integrity(1000));
    record(5);
    List<SerializedEvent> firstTry = List.copyOf(publisher.batches.get(0));
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(Duration.ofSeconds(20)).until(() -> publisher.published.size() >= 6);
    // SerializedEvent equality is byte equality: the stamp was not made twice.
    assertThat(publisher.published).containsAll(firstTry);
  }

  /** A store that edits the payload of the claimed event whose stamp has {@code seq}. */
  private static final class EditingStore extends ForwardingBackingStore {
    volatile long editSeq = -1;
    volatile UnaryOperator<byte[]> edit = UnaryOperator.identity();

    EditingStore(BackingStore delegate) {
      super(delegate);
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public Claim claim(int max) {
      Claim claim = delegate.claim(max);
      List<StoredEvent> events = new ArrayList<>();
      for (StoredEvent e : claim.events()) {
        boolean hit =
            IntegrityStamp.locate(WireBodies.cadf(e.payload()))
                .map(l -> l.stamp().seq() == editSeq)
                .orElse(false);
        events.add(hit ? new StoredEvent(e.sequence(), e.id(), edit.apply(e.payload())) : e);
      }
      return new Claim(events);
    }
  }

  private static byte[] replace(byte[] payload, String from, String to) {
    String text = new String(payload, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEventEditedInTheStoreIsQuarantinedAsTamperedAndTheOthersDelivered() {
    // Fails on the code before: the edited event was published as genuine (no drain check).
    EditingStore store = new EditingStore(new MemoryBackingStore(1000, Clock.systemUTC()));
    store.editSeq = 3;
    store.edit = p -> replace(p, "\"id\":\"user-0\"", "\"id\":\"adm-00\"");
    publisher.down = true;
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    try (LogCapture log = new LogCapture()) {
      start(store, DeliveryMode.WRITE_AHEAD, integrity(1000));
      record(6);
      publisher.down = false;
      publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
      await().atMost(Duration.ofSeconds(20)).until(() -> publisher.published.size() >= 6);
      await().atMost(Duration.ofSeconds(20)).until(() -> tampered() == 1);
      assertThat(log.lines())
          .anyMatch(m -> m.startsWith("ERROR") && m.contains("TAMPERED") && m.contains("MAC"));
    }
    assertThat(publisher.published).extracting(e -> stamp(e).seq()).doesNotContain(3L);
    assertThat(publisher.published)
        .extracting(e -> stamp(e).seq())
        .contains(0L, 1L, 2L, 4L, 5L, 6L);
    assertThat(store.stats().quarantinedEvents()).isEqualTo(1);
  }

  @Test
  void aPayloadReplacedByNonJsonIsQuarantinedAsTampered() {
    EditingStore store = new EditingStore(new MemoryBackingStore(1000, Clock.systemUTC()));
    store.editSeq = 2;
    store.edit = p -> "x".repeat(p.length).getBytes(StandardCharsets.UTF_8);
    publisher.down = true;
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    start(store, DeliveryMode.WRITE_AHEAD, integrity(1000));
    record(4);
    // the edited copy has no stamp left to find: the store hands it out under its sequence only
    publisher.down = false;
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(Duration.ofSeconds(20)).until(() -> tampered() == 1);
    assertThat(publisher.published)
        .allSatisfy(e -> assertThat(IntegrityStamp.locate(e.payload())).isPresent());
  }

  @Test
  void aStoredEventReplayedIntoTheQueueIsQuarantinedAsTampered() {
    // A copy of a delivered event appended to the store again (a replay) carries a valid MAC.
    MemoryBackingStore memory = new MemoryBackingStore(1000, Clock.systemUTC());
    start(memory, DeliveryMode.WRITE_AHEAD, integrity(1000));
    record(3);
    await().atMost(Duration.ofSeconds(20)).until(() -> publisher.published.size() >= 4);
    SerializedEvent old = publisher.published.get(2);
    memory.append(List.of(old));
    await().atMost(Duration.ofSeconds(20)).until(() -> tampered() == 1);
    assertThat(publisher.published).filteredOn(e -> e.equals(old)).hasSize(1);
  }

  @Test
  void withoutAKeyEventsAreStillChainedAndTheDrainChecksThisProcessesStamps() {
    EditingStore store = new EditingStore(new MemoryBackingStore(1000, Clock.systemUTC()));
    store.editSeq = 1;
    store.edit = p -> replace(p, "\"id\":\"user-0\"", "\"id\":\"adm-00\"");
    publisher.down = true;
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    start(store, DeliveryMode.WRITE_AHEAD, Integrity.builder("billing").build());
    record(3);
    publisher.down = false;
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(Duration.ofSeconds(20)).until(() -> tampered() == 1);
    assertThat(stamp(publisher.published.get(0)).key()).isEqualTo(IntegrityStamp.NO_KEY);
  }

  @Test
  void anAttachmentOfTheIntegrityFormatIsRefusedInRecord() {
    start(
        new MemoryBackingStore(1000, Clock.systemUTC()),
        DeliveryMode.BUFFER_ON_FAILURE,
        integrity(1000));
    CadfEvent forged =
        AuditorIntegrationTests.event(0, 1).toBuilder()
            .attachment(new Attachment(IntegrityStamp.TYPE_URI, "x", Map.of("seq", "1")))
            .build();
    assertThatThrownBy(() -> auditor.record(forged))
        .isInstanceOf(CadfValidationException.class)
        .hasMessageContaining("reserved");
  }

  @ParameterizedTest
  @EnumSource(
      value = MessageFormat.class,
      names = {"OSLO_V1", "OSLO_V2"})
  void inTheOsloFormatsTheStampIsOverTheCadfEventInsideTheEnvelopeAndTheDrainChecksIt(
      MessageFormat format) {
    // Fails on the code before: the builder refused integrity with the oslo formats.
    EditingStore store = new EditingStore(new MemoryBackingStore(1000, Clock.systemUTC()));
    store.editSeq = 3;
    store.edit = p -> replace(p, "user-0", "adm-00");
    publisher.down = true;
    publisher.script =
        batch -> batch.stream().map(e -> PublishResult.unconfirmed("error")).toList();
    auditor =
        Auditor.builder()
            .queueName("q")
            .publisher(publisher)
            .backingStore(store)
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .messageFormat(format)
            .batchSize(10)
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(20))
            .meterRegistry(registry)
            .integrity(integrity(1000))
            .shutdownHook(false)
            .build();
    record(6);
    publisher.down = false;
    publisher.script = batch -> batch.stream().map(e -> PublishResult.CONFIRMED).toList();
    await().atMost(Duration.ofSeconds(20)).until(() -> publisher.published.size() >= 6);
    await().atMost(Duration.ofSeconds(20)).until(() -> tampered() == 1);

    String prefix = format == MessageFormat.OSLO_V1 ? "{\"message_id\":" : "{\"oslo.version\":";
    List<Long> seqs = new ArrayList<>();
    for (SerializedEvent event : publisher.published) {
      assertThat(new String(event.payload(), StandardCharsets.UTF_8)).startsWith(prefix);
      byte[] cadf = WireBodies.cadf(event.payload());
      CadfValidator.validate(CadfJson.read(cadf));
      IntegrityStamp.Located stamp = IntegrityStamp.locate(cadf).orElseThrow();
      assertThat(TrailMac.of(key).matches(cadf, stamp.macOffset())).isTrue();
      seqs.add(stamp.stamp().seq());
    }
    assertThat(seqs).contains(0L, 1L, 2L, 4L, 5L, 6L).doesNotContain(3L);
  }

  @Test
  void theKeyNeverAppearsInToStringAndAPemKeyRoundTrips() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("audit-key");
    java.security.KeyPair pair =
        java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    java.nio.file.Path pem = dir.resolve("key.pem");
    String base64 =
        java.util.Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded());
    java.nio.file.Files.writeString(
        pem, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    SigningKey fromPem = SigningKey.fromPem(pem);
    assertThat(fromPem.publicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(fromPem.toString()).isEqualTo("SigningKey[" + fromPem.keyId() + "]");
    assertThat(fromPem.toString()).doesNotContain(base64.substring(0, 20));
    assertThatThrownBy(() -> SigningKey.fromPem(dir.resolve("missing.pem")))
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aKeyPairIsReadFromAKeyStoreMadeByKeytoolAndWrongInputIsNamed() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("audit-keystore");
    java.nio.file.Path store = dir.resolve("audit.p12");
    Keytool.ed25519KeyStore(store, "s3cret-pass", "audit");

    SigningKey fromStore = SigningKey.fromKeyStore(store, "s3cret-pass".toCharArray(), "audit");
    byte[] signature = fromStore.sign("trail".getBytes(StandardCharsets.UTF_8));
    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
    verifier.initVerify(fromStore.publicKey());
    verifier.update("trail".getBytes(StandardCharsets.UTF_8));
    assertThat(verifier.verify(signature)).isTrue();
    assertThat(fromStore.keyId()).isEqualTo(VerificationKeys.keyId(fromStore.publicKey()));

    assertThatThrownBy(() -> SigningKey.fromKeyStore(store, "wrong".toCharArray(), "audit"))
        .hasMessageContaining("audit.p12")
        .hasMessageContaining("check its path and password")
        .hasMessageNotContaining("wrong");
    assertThatThrownBy(() -> SigningKey.fromKeyStore(store, "s3cret-pass".toCharArray(), "missing"))
        .hasMessageContaining("no Ed25519 key pair under the alias 'missing'")
        .hasMessageNotContaining("s3cret");
  }

  /**
   * The link of a stamped body, computed here from its definition: the SHA-256 of the body with its
   * MAC value written as 64 {@code 0}s.
   */
  static String linkOf(byte[] body, String mac) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    String zeroed = text.replace("\"mac\":\"" + mac + "\"", "\"mac\":\"" + Digests.ZERO + "\"");
    assertThat(zeroed).as("the MAC is in the body once").isNotEqualTo(text);
    return Digests.sha256(zeroed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
