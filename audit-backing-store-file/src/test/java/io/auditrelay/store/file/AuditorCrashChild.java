package io.auditrelay.store.file;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestKeys;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of the pipeline crash test: an Auditor on a file store records events in bursts of
 * 50 and prints {@code ACK <n>} once each future completed (the event is durable). The test arms a
 * {@link CrashPoints} point that halts it inside the drain.
 */
public final class AuditorCrashChild {

  private AuditorCrashChild() {}

  /** The event the crash tests record: tag {@code n?value=<n>}. */
  static CadfEvent event(int n) {
    return CadfEvent.builder()
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of("thing-" + n, ResourceTypes.DATA))
        .tag("n?value=" + n)
        .build();
  }

  /**
   * An Auditor on {@code dir} publishing to {@code queue}, as both JVMs of the test use it; the
   * store's fsync policy from the system property {@code audit.file-store.fsync} (default always).
   */
  static Auditor auditor(Path dir, String uri, String queue, DeliveryMode mode) {
    return auditor(
        dir,
        uri,
        queue,
        mode,
        FsyncPolicy.valueOf(System.getProperty("audit.file-store.fsync", "ALWAYS")));
  }

  /**
   * The integrity key both JVMs of a test sign with, beside {@code dir}: created by the first call
   * (the test, before it starts the child), read by the others.
   */
  static SigningKey signingKey(Path dir) {
    return TestKeys.inPemFile(dir.resolveSibling("integrity-signing.pem"));
  }

  /**
   * An Auditor on {@code dir} with the given fsync policy, publishing to {@code queue}, with
   * integrity on (checkpoints every 100 events or 250 ms), so that the consumer's oracle can tell a
   * hole from a crash cut.
   */
  static Auditor auditor(
      Path dir, String uri, String queue, DeliveryMode mode, FsyncPolicy policy) {
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .deliveryMode(mode)
        .backingStore(TestFileStores.open(dir, policy))
        .batchSize(20)
        .integrity(
            Integrity.builder("crash@child")
                .signingKey(signingKey(dir))
                .checkpointEvents(100)
                .checkpointInterval(Duration.ofMillis(250))
                .build())
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .confirmTimeout(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(5))
        .shutdownHook(false)
        .build();
  }

  /**
   * Arguments: directory, broker host, port, user name, password, queue, delivery mode, and whether
   * to flap the broker (a {@link TcpProxy} in this JVM, {@link TcpProxy#flapRandomly}).
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    AmqpBroker broker = new AmqpBroker(args[1], Integer.parseInt(args[2]), args[3], args[4], false);
    String uri = broker.uri();
    if (Boolean.parseBoolean(args[7])) {
      TcpProxy proxy = TcpProxy.to(broker);
      uri = broker.via(proxy).uri();
      proxy.flapRandomly(System.nanoTime());
    }
    Auditor auditor = auditor(Path.of(args[0]), uri, args[5], DeliveryMode.valueOf(args[6]));
    for (int n = 0; ; n += 50) {
      java.util.List<java.util.concurrent.CompletableFuture<Void>> burst =
          new java.util.ArrayList<>();
      for (int k = 0; k < 50; k++) {
        burst.add(auditor.record(event(n + k)));
      }
      for (int k = 0; k < 50; k++) {
        burst.get(k).join();
        out.println("ACK " + (n + k));
      }
      out.flush();
    }
  }
}
