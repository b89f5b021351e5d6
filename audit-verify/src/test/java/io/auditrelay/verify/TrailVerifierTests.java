package io.auditrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.Auditor;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer side: a trail recorded by a real Auditor through the broker, then dropped, edited,
 * injected, duplicated and reordered between the broker and the verifier. Each change is reported
 * exactly; the clean trail is reported clean.
 */
class TrailVerifierTests {

  private static final AmqpBroker BROKER = RealServers.rabbitmq();
  private static final SigningKey KEY = SigningKey.generate();
  private static final VerificationKeys KEYS = VerificationKeys.of(List.of(KEY.publicKey()));

  /** 35 events with a checkpoint every 10: start 0, checkpoints 11, 22, 33, end 39. */
  private static List<byte[]> trail;

  private static String browseOutput;
  private static int browseExit;

  @TempDir static Path dir;

  @BeforeAll
  static void recordATrail() throws Exception {
    RealServers.report(TrailVerifierTests.class.getSimpleName(), BROKER.describe());
    String queue = "audit-verify-" + UUID.randomUUID();
    try (QueueReader reader = new QueueReader(BROKER, queue)) {
      Auditor auditor =
          Auditor.builder()
              .rabbitUri(BROKER.uri())
              .queueName(queue)
              .integrity(
                  Integrity.builder("billing@pod-1")
                      .signingKey(KEY)
                      .checkpointEvents(10)
                      .checkpointInterval(Duration.ofHours(1))
                      .build())
              .shutdownHook(false)
              .build();
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 35; i++) {
        futures.add(auditor.record(TestEvents.event(0, i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      auditor.close();
      Path publicKey = dir.resolve("audit.pub.pem");
      Files.writeString(publicKey, KEY.publicKeyPem());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                out.reset();
                browseExit =
                    VerifyCli.run(
                        new String[] {
                          "--key", publicKey.toString(), "--amqp", BROKER.uri(), "--queue", queue
                        },
                        new PrintStream(out),
                        new PrintStream(out));
                return out.toString(StandardCharsets.UTF_8).contains("40 message(s)");
              });
      browseOutput = out.toString(StandardCharsets.UTF_8);
      // Browsing consumed nothing: every message is still there to read.
      trail =
          reader.awaitAtLeast(40, Duration.ofSeconds(30)).stream()
              .map(QueueReader.Delivered::body)
              .toList();
      reader.delete();
    }
  }

  private static StreamReport verify(List<byte[]> bodies, VerificationKeys keys) {
    TrailReport report = report(bodies, keys);
    assertThat(report.streams()).hasSize(1);
    return report.streams().get(0);
  }

  private static TrailReport report(List<byte[]> bodies, VerificationKeys keys) {
    TrailVerifier verifier = new TrailVerifier(keys);
    bodies.forEach(verifier::accept);
    return verifier.report();
  }

  private static long seq(byte[] body) {
    return IntegrityStamp.locate(body).orElseThrow().stamp().seq();
  }

  private static List<byte[]> without(long... seqs) {
    List<byte[]> kept = new ArrayList<>();
    outer:
    for (byte[] body : trail) {
      for (long s : seqs) {
        if (seq(body) == s) {
          continue outer;
        }
      }
      kept.add(body);
    }
    return kept;
  }

  private static byte[] edited(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).contains("\"id\":\"user-0\"");
    return text.replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theCleanTrailIsVerifiedAndTheQueueWasBrowsedNotConsumed() {
    assertThat(browseExit).as(browseOutput).isZero();
    assertThat(browseOutput).contains("VERIFIED billing@pod-1").endsWith("VERIFIED\n");
    assertThat(trail).hasSize(40);
    StreamReport report = verify(trail, KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.VERIFIED);
    assertThat(report.events()).isEqualTo(40);
    assertThat(report.ended()).isTrue();
    assertThat(report.durableUpTo()).isEqualTo(39);
    assertThat(report.holes()).isEmpty();
    assertThat(report.cutSize()).isZero();
    assertThat(report.problems()).isEmpty();
    assertThat(report.signaturesChecked()).isTrue();
    assertThat(report.unsignedTail()).isZero();
  }

  @Test
  void aDroppedEventIsAHoleWithItsRange() {
    StreamReport report = verify(without(5, 6), KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.INCOMPLETE);
    assertThat(report.holes()).containsExactly(new SeqRange(5, 6));
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void anEditedEventIsTamperedWithAndNamed() {
    List<byte[]> bodies = new ArrayList<>(trail);
    bodies.set(7, edited(bodies.get(7)));
    StreamReport report = verify(bodies, KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.TAMPERED);
    assertThat(report.problems()).singleElement().asString().startsWith("seq 7:");
  }

  @Test
  void withoutAKeyAnEditIsStillCaughtByTheChainButSignaturesAreNotChecked() {
    List<byte[]> bodies = new ArrayList<>(trail);
    bodies.set(7, edited(bodies.get(7)));
    StreamReport report = verify(bodies, VerificationKeys.none());
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.TAMPERED);
    assertThat(report.signaturesChecked()).isFalse();
    assertThat(verify(trail, VerificationKeys.none()).verdict())
        .isEqualTo(StreamReport.Verdict.VERIFIED);
  }

  @Test
  void aCheckpointSignedByAnotherKeyIsReportedAsForged() {
    VerificationKeys other = VerificationKeys.of(List.of(SigningKey.generate().publicKey()));
    StreamReport report = verify(trail, other);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.TAMPERED);
    assertThat(report.problems()).anyMatch(p -> p.contains("signature does not verify"));
  }

  @Test
  void anInjectedEventIsReported() {
    // A copy of event 5 with its id changed claims seq 5 too: two events, one place.
    String text = new String(trail.get(5), StandardCharsets.UTF_8);
    String id = text.substring(text.indexOf("\"id\":\"") + 6, text.indexOf("\"id\":\"") + 42);
    List<byte[]> bodies = new ArrayList<>(trail);
    bodies.add(text.replace(id, UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8));
    StreamReport report = verify(bodies, KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.TAMPERED);
    assertThat(report.problems()).anyMatch(p -> p.startsWith("seq 5: two different events"));

    // An event without a stamp, and a message that is not JSON, are counted and fail the report.
    List<byte[]> foreign = new ArrayList<>(trail);
    foreign.add(("{\"typeURI\":\"x\",\"id\":\"" + UUID.randomUUID() + "\"}").getBytes());
    foreign.add("not json".getBytes(StandardCharsets.UTF_8));
    TrailReport all = report(foreign, KEYS);
    assertThat(all.unstamped()).isEqualTo(1);
    assertThat(all.unreadable()).isEqualTo(1);
    assertThat(all.verified()).isFalse();
  }

  @Test
  void duplicatesAreDroppedAndReorderingIsRecognised() {
    List<byte[]> bodies = new ArrayList<>(trail);
    bodies.add(trail.get(3));
    bodies.add(trail.get(20));
    Collections.shuffle(bodies, new Random(7));
    StreamReport report = verify(bodies, KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.VERIFIED);
    assertThat(report.duplicates()).isEqualTo(2);
    assertThat(report.events()).isEqualTo(40);
    assertThat(report.reordered()).isPositive();
  }

  @Test
  void aCutAfterACrashIsReportedWithItsSizeAndIsNotAHole() {
    // A crash after the checkpoint at 33: the end never came, and event 35 was never durable.
    StreamReport report = verify(without(35, 39), KEYS);
    assertThat(report.verdict()).isEqualTo(StreamReport.Verdict.VERIFIED);
    assertThat(report.ended()).isFalse();
    assertThat(report.holes()).isEmpty();
    assertThat(report.cut()).containsExactly(new SeqRange(35, 35));
    assertThat(report.cutSize()).isEqualTo(1);
    assertThat(report.durableUpTo()).isEqualTo(33);
    assertThat(report.unsignedTail()).isEqualTo(4); // 34, 36, 37, 38
  }

  @Test
  void theCliReadsJsonLinesAndExitsOneOnAHoleAndTwoOnBadUsage() throws Exception {
    Path clean = dir.resolve("clean.jsonl");
    Path holed = dir.resolve("holed.jsonl");
    Files.write(clean, lines(trail));
    Files.write(holed, lines(without(12)));
    Path publicKey = dir.resolve("cli.pub.pem");
    Files.writeString(publicKey, KEY.publicKeyPem());
    assertThat(cli("--key", publicKey.toString(), "--file", clean.toString())).startsWith("0\n");
    String out = cli("--key", publicKey.toString(), "--file", holed.toString());
    assertThat(out).startsWith("1\n").contains("HOLE 12 (1 missing)").contains("NOT VERIFIED");
    assertThat(cli("--file")).startsWith("2\n").contains("--file needs a value");
    assertThat(cli("--amqp", "amqp://u:s3cret@localhost", "--file", clean.toString()))
        .startsWith("2\n")
        .doesNotContain("s3cret");
  }

  private static List<String> lines(List<byte[]> bodies) {
    return bodies.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = VerifyCli.run(args, new PrintStream(out), new PrintStream(out));
    return exit + "\n" + out.toString(StandardCharsets.UTF_8);
  }
}
