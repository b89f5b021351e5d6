package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreParams;
import io.auditrelay.store.StoredEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child JVM of the SQL crash oracle: producers append to a table and print {@code ACK <id>}
 * only after {@code append()} returned (the commit); a drainer claims, prints {@code DONE <id>} for
 * half of each claim (as if the broker had confirmed them), then acknowledges that half and
 * releases the rest. It runs until it is killed.
 *
 * <p>Arguments: JDBC URL, user name, table, producers, seed.
 */
public final class SqlCrashChild {

  private SqlCrashChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String username = args[1];
    String table = args[2];
    int producers = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BackingStore store =
        new JdbcBackingStoreFactory()
            .create(
                new StoreParams(
                    "child", "sql", Map.of("url", url, "username", username, "table_name", table)));
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      SplittableRandom random = new SplittableRandom(seed + p);
      Thread thread =
          new Thread(
              () -> {
                for (int n = 0; ; ) {
                  int size = 1 + random.nextInt(20);
                  List<SerializedEvent> batch = new ArrayList<>();
                  for (int k = 0; k < size; k++, n++) {
                    String id = "p" + producer + "-" + n + "-" + seed;
                    String json = "{\"producer\":" + producer + ",\"n\":" + n + "}";
                    batch.add(new SerializedEvent(id, json.getBytes(StandardCharsets.UTF_8)));
                  }
                  store.append(batch);
                  synchronized (out) {
                    batch.forEach(e -> out.println("ACK " + e.id()));
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
                Claim claim = store.claim(50);
                List<Long> half = new ArrayList<>();
                List<Long> rest = new ArrayList<>();
                for (int i = 0; i < claim.size(); i++) {
                  (i % 2 == 0 ? half : rest).add(claim.events().get(i).sequence());
                }
                synchronized (out) {
                  for (StoredEvent event : claim.subset(half).events()) {
                    out.println("DONE " + event.id());
                  }
                  out.flush();
                }
                store.release(claim.subset(rest), "crash-test");
                store.acknowledge(claim.subset(half));
              }
            });
    drainer.start();
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
