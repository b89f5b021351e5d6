package io.auditrelay.testsupport;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The work of the store crash oracles' child JVMs, the same for every store: producers that append
 * and print {@code ACK <id>} only after {@code append()} returned, and a drainer that prints {@code
 * DONE <id>} for every other claimed event before it acknowledges them. The test kills the child
 * and checks the store against what was printed.
 */
public final class CrashChildren {

  private CrashChildren() {}

  /**
   * Starts {@code producers} threads appending batches of 1 to {@code maxBatch} events to {@code
   * store}, each event padded with up to {@code maxPad} characters; ids {@code p<producer>-<n>-<
   * seed>}.
   */
  public static List<Thread> produce(
      BackingStore store, int producers, long seed, int maxBatch, int maxPad, PrintStream out) {
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      SplittableRandom random = new SplittableRandom(seed + p);
      Thread thread =
          new Thread(
              () -> {
                for (int n = 0; ; ) {
                  int size = 1 + random.nextInt(maxBatch);
                  List<SerializedEvent> batch = new ArrayList<>();
                  for (int k = 0; k < size; k++, n++) {
                    String id = "p" + producer + "-" + n + "-" + seed;
                    String pad = maxPad == 0 ? "" : "x".repeat(random.nextInt(maxPad));
                    String json =
                        "{\"producer\":" + producer + ",\"n\":" + n + ",\"pad\":\"" + pad + "\"}";
                    batch.add(new SerializedEvent(id, json.getBytes(StandardCharsets.UTF_8)));
                  }
                  store.append(batch);
                  synchronized (out) {
                    batch.forEach(event -> out.println("ACK " + event.id()));
                    out.flush();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  /**
   * Starts a thread that claims 50 events at a time, prints {@code DONE} for every other one (as if
   * the broker had confirmed them), releases the rest and then acknowledges the confirmed ones (in
   * that order: a store that keeps the claim in a transaction commits both at the acknowledge).
   */
  public static Thread drain(BackingStore store, PrintStream out) {
    Thread drainer =
        new Thread(
            () -> {
              while (true) {
                Claim claim = store.claim(50);
                if (claim.isEmpty()) {
                  Thread.onSpinWait();
                  continue;
                }
                List<Long> half = new ArrayList<>();
                List<Long> rest = new ArrayList<>();
                for (int i = 0; i < claim.size(); i++) {
                  (i % 2 == 0 ? half : rest).add(claim.events().get(i).sequence());
                }
                synchronized (out) {
                  for (StoredEvent event : claim.subset(half).events()) {
                    out.println("DONE " + event.id()); // announced before it is acknowledged
                  }
                  out.flush();
                }
                store.release(claim.subset(rest), "crash-test");
                store.acknowledge(claim.subset(half));
              }
            });
    drainer.start();
    return drainer;
  }
}
