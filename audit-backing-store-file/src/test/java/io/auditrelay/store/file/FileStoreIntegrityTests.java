package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.Auditor;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TamperedStores;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import io.auditrelay.verify.SeqRange;
import io.auditrelay.verify.StreamReport;
import io.auditrelay.verify.TrailReport;
import io.auditrelay.verify.TrailVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tampering with a file store while the service is stopped, as an attacker with write access to the
 * directory would, with every record's CRC32C recomputed as docs/file-format.md documents. Fails on
 * the code before: the edited event was delivered as genuine and {@code verify} said OK.
 */
class FileStoreIntegrityTests {

  private final AmqpBroker broker = RealServers.rabbitmq();
  private final SigningKey key = SigningKey.generate();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Auditor auditor(String uri, String queue, Path dir) {
    return TamperedStores.auditor(
        uri,
        queue,
        TestFileStores.store(
            dir, 1 << 20, 1L << 30, FsyncPolicy.ALWAYS, 10, Clock.systemUTC(), Disk.REAL),
        key,
        registry);
  }

  /** Rewrites the record whose stamp has {@code seq}, recomputing its checksum. */
  private static void rewrite(Path dir, long seq, UnaryOperator<byte[]> edit) throws Exception {
    List<Path> segments;
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      segments = files.sorted().toList();
    }
    for (Path segment : segments) {
      String text = Files.readString(segment, StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder();
      boolean found = false;
      for (String line : text.split("\n", -1)) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        RecordCodec.Decoded d = RecordCodec.decode(bytes, bytes.length);
        if (d != null
            && IntegrityStamp.locate(d.payload()).map(l -> l.stamp().seq() == seq).orElse(false)) {
          byte[] payload = edit.apply(d.payload());
          assertThat(payload).hasSameSizeAs(d.payload()); // the record stays in its slot
          byte[] encoded =
              RecordCodec.encode(
                  d.sequence(), d.cumulativeBytes(), d.appendedAtMillis(), d.id(), payload);
          out.append(new String(encoded, 0, encoded.length - 1, StandardCharsets.UTF_8));
          found = true;
        } else {
          out.append(line);
        }
        out.append('\n');
      }
      if (found) {
        Files.writeString(segment, out.substring(0, out.length() - 1), StandardCharsets.UTF_8);
        return;
      }
    }
    throw new AssertionError("no record with stamp seq " + seq);
  }

  private static byte[] replace(byte[] payload, String from, String to) {
    String text = new String(payload, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  private double tampered() {
    return TamperedStores.tampered(registry);
  }

  @Test
  void recordsEditedWithTheirChecksumRecomputedAreQuarantinedAsTamperedNeverDelivered()
      throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-file-integrity-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("audit-file-integrity").resolve("store");
    try (TcpProxy down = TcpProxy.refusingTo(broker);
        QueueReader reader = new QueueReader(broker, queue)) {
      Auditor first = auditor(broker.via(down).uri(), queue, dir);
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        futures.add(first.record(TestEvents.event(0, i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      first.close(); // broker down: start, 12 events, 2 checkpoints and the end wait on disk

      // The attacker's edits: the initiator of seq 3 becomes another user; seq 8 is not JSON.
      rewrite(dir, 3, p -> replace(p, "\"id\":\"user-0\"", "\"id\":\"adm-00\""));
      rewrite(dir, 8, p -> "x".repeat(p.length).getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream cli = new ByteArrayOutputStream();
      int exit = FileStoreCli.run(new String[] {"verify", dir.toString()}, new PrintStream(cli));
      String report = cli.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(report).isEqualTo(1);
      assertThat(report)
          .startsWith("TAMPERED 2 problem(s)")
          .contains("sequence 3 of billing@pod-1");

      Auditor second = auditor(broker.uri(), queue, dir);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tampered() == 2);
      // 16 stored (start, 12, checkpoints at 6 and 12, end at 15), less 2, and the second start
      List<QueueReader.Delivered> delivered = reader.awaitAtLeast(15, Duration.ofSeconds(30));
      second.close();

      TrailVerifier verifier = new TrailVerifier(VerificationKeys.of(List.of(key.publicKey())));
      delivered.forEach(d -> verifier.accept(d.body()));
      TrailReport trail = verifier.report();
      StreamReport firstRun =
          trail.streams().stream()
              .filter(StreamReport::ended)
              .filter(s -> s.events() > 2)
              .findFirst()
              .orElseThrow();
      assertThat(firstRun.holes()).containsExactly(new SeqRange(3, 3), new SeqRange(8, 8));
      assertThat(firstRun.problems()).isEmpty(); // nothing tampered was published as genuine
      assertThat(delivered)
          .noneMatch(d -> new String(d.body(), StandardCharsets.UTF_8).contains("adm-00"));
      reader.delete();
    }
  }
}
