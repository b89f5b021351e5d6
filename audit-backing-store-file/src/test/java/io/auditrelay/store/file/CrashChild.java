package io.auditrelay.store.file;

import io.auditrelay.store.SerializedEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child JVM of the crash oracle: several producers append to a file store ({@code fsync} policy
 * from the arguments) and print {@code ACK <id>} only after {@code append()} returned. It runs
 * until it is killed.
 *
 * <p>Arguments: directory, fsync policy, producers, seed.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    FsyncPolicy policy = FsyncPolicy.valueOf(args[1]);
    int producers = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    FileBackingStore store = TestFileStores.open(dir, policy);
    out.println("READY");
    out.flush();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      SplittableRandom random = new SplittableRandom(seed + p);
      Thread thread =
          new Thread(
              () -> {
                for (int n = 0; ; ) {
                  int size = 1 + random.nextInt(5);
                  List<SerializedEvent> batch = new ArrayList<>();
                  for (int k = 0; k < size; k++, n++) {
                    String id = "p" + producer + "-" + n + "-" + seed;
                    String json =
                        "{\"producer\":"
                            + producer
                            + ",\"n\":"
                            + n
                            + ",\"pad\":\""
                            + "x".repeat(random.nextInt(300))
                            + "\"}";
                    batch.add(new SerializedEvent(id, json.getBytes(StandardCharsets.UTF_8)));
                  }
                  store.append(batch);
                  synchronized (out) {
                    for (SerializedEvent event : batch) {
                      out.println("ACK " + event.id());
                    }
                    out.flush();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    Thread drainer =
        new Thread(
            () -> {
              while (true) {
                io.auditrelay.store.Claim claim = store.claim(50);
                if (claim.isEmpty()) {
                  Thread.onSpinWait();
                  continue;
                }
                List<Long> half = new ArrayList<>();
                for (int i = 0; i < claim.size(); i += 2) {
                  half.add(claim.events().get(i).sequence());
                }
                List<Long> rest = new ArrayList<>();
                for (int i = 1; i < claim.size(); i += 2) {
                  rest.add(claim.events().get(i).sequence());
                }
                synchronized (out) {
                  for (io.auditrelay.store.StoredEvent event : claim.subset(half).events()) {
                    out.println("DONE " + event.id()); // announced before it is acknowledged
                  }
                  out.flush();
                }
                store.acknowledge(claim.subset(half));
                store.release(claim.subset(rest));
              }
            });
    if (Boolean.getBoolean("audit.crash.drain")) {
      drainer.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
