package io.auditrelay.benchmarks;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.verify.TrailReport;
import io.auditrelay.verify.TrailVerifier;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code integrity.verify.throughput}: a consumer verifying a whole signed trail of {@value
 * #EVENTS} events, on one thread (one core), in events per second. The trail is made once per trial
 * by an Auditor with integrity on (default checkpoints: every 10,000 events or second) writing to a
 * file store with the broker unreachable, and read back from the store: the exact bytes a consumer
 * receives. Ours: {@link TrailVerifier} fed every body, then its report. Limit: the SHA-256 of
 * every body, the least any verifier of the hash chain must compute.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrailVerify {

  static final int EVENTS = 100_000;

  private final SigningKey key = SigningKey.generate();
  private List<byte[]> bodies;
  private Path dir;

  @Setup(Level.Trial)
  public void makeTrail() {
    dir = Fixtures.tempDirectory("bench-verify");
    // Port 1 refuses: every stamped event and checkpoint stays in the store.
    try (Auditor auditor =
        Fixtures.auditor("bench-unused", Fixtures.fileStore(dir, "never"))
            .rabbitUri("amqp://guest:guest@127.0.0.1:1")
            .deliveryMode(DeliveryMode.WRITE_AHEAD)
            .integrity(Integrity.builder("bench@host").signingKey(key).build())
            .shutdownTimeout(java.time.Duration.ofMillis(100))
            .build()) {
      List<CompletableFuture<Void>> window = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        window.add(auditor.record(Fixtures.event()));
        if (window.size() == 1000) {
          window.forEach(CompletableFuture::join);
          window.clear();
        }
      }
      window.forEach(CompletableFuture::join);
    }
    bodies = new ArrayList<>(EVENTS + 100);
    try (BackingStore store = Fixtures.fileStore(dir, "never")) {
      for (Claim claim = store.claim(10_000);
          !claim.events().isEmpty();
          claim = store.claim(10_000)) {
        for (StoredEvent event : claim.events()) {
          bodies.add(event.payload());
        }
      }
    }
    TrailReport report = verify();
    if (!report.verified() || report.streams().get(0).events() < EVENTS) {
      throw new IllegalStateException(
          "the benchmark's trail does not verify: " + report.describe());
    }
  }

  @Benchmark
  public TrailReport ours() {
    return verify();
  }

  @Benchmark
  public int limitSha256() throws NoSuchAlgorithmException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    int sum = 0;
    for (byte[] body : bodies) {
      sum += sha256.digest(body)[0];
    }
    return sum;
  }

  private TrailReport verify() {
    TrailVerifier verifier = new TrailVerifier(VerificationKeys.of(List.of(key.publicKey())));
    bodies.forEach(verifier::accept);
    return verifier.report();
  }

  @TearDown(Level.Trial)
  public void clean() {
    Fixtures.delete(dir);
  }
}
