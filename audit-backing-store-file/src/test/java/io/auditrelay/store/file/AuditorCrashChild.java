package io.auditrelay.store.file;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of the pipeline crash test: an Auditor in write-ahead mode on a file store records
 * events in bursts of 50 and prints {@code ACK <n>} once each future completed (the event is
 * durable). The test arms a {@link CrashPoints} point that halts it inside the drain.
 *
 * <p>Arguments: directory, AMQP URI, queue.
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

  /** An Auditor on {@code dir} publishing to {@code queue}, as both JVMs of the test use it. */
  static Auditor auditor(Path dir, String uri, String queue) {
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .deliveryMode(DeliveryMode.WRITE_AHEAD)
        .backingStore(TestFileStores.open(dir))
        .batchSize(20)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofSeconds(5))
        .shutdownHook(false)
        .build();
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Auditor auditor = auditor(Path.of(args[0]), args[1], args[2]);
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
