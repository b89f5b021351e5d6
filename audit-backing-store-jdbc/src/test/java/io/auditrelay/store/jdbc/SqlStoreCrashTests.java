package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash oracle for the SQL store: a child JVM appends from several threads and drains at the
 * same time; it is killed with SIGKILL at a random moment, with claim transactions open. Every
 * event whose append returned is then in the table or was acknowledged, none twice in the table; an
 * event announced as delivered may come back (at-least-once: the kill hit between confirm and
 * delete). Kills per database: {@code -Daudit.crash.iterations} (default 3).
 */
class SqlStoreCrashTests {

  private static final int ITERATIONS = Integer.getInteger("audit.crash.iterations", 3);

  static List<TestDatabase> databases() {
    return List.of(
        TestDatabase.postgres().report("SqlStoreCrashTests"),
        TestDatabase.mariadb().report("SqlStoreCrashTests"));
  }

  @ParameterizedTest
  @MethodSource("databases")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void keepsEveryCommittedEventAcrossSigkill(TestDatabase database) throws Exception {
    if (database.url().startsWith("jdbc:h2:mem")) {
      // An in-memory database dies with the child: the fallback runs on PostgreSQL only.
      database = TestDatabase.postgres();
    }
    String table = TestDatabase.uniqueTable("crash");
    long baseSeed = Long.getLong("audit.crash.seed", System.nanoTime());
    Set<String> everAcked = new HashSet<>();
    Set<String> everDone = new HashSet<>();
    try {
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        long seed = baseSeed + iteration;
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> done = ConcurrentHashMap.newKeySet();
        Process child =
            ChildJvm.of(
                    List.of(),
                    SqlCrashChild.class.getName(),
                    database.url(),
                    database.username(),
                    table,
                    "4",
                    Long.toString(seed))
                .redirectErrorStream(true)
                .start();
        Thread pump = pump(child, acked, done);
        int killAfter = 200 + new SplittableRandom(seed).nextInt(2000);
        Awaitility.await()
            .atMost(120, TimeUnit.SECONDS)
            .until(() -> acked.size() >= killAfter || !child.isAlive());
        assertThat(child.isAlive()).as("child alive until killed (seed %d)", seed).isTrue();
        child.destroyForcibly(); // SIGKILL, claim transactions open
        child.waitFor(30, TimeUnit.SECONDS);
        pump.join(10_000);
        everAcked.addAll(acked);
        everDone.addAll(done);

        try (BackingStore store = database.open(table, Map.of())) {
          Set<String> inTable = new HashSet<>();
          Claim claim;
          while (!(claim = store.claim(500)).isEmpty()) {
            for (StoredEvent event : claim.events()) {
              assertThat(inTable.add(event.id())).as("twice in the table: %s", event.id()).isTrue();
            }
            // Held, not released: the next claim skips these rows. Closing releases them all.
          }
          Set<String> missing = new HashSet<>(everAcked);
          missing.removeAll(inTable);
          missing.removeAll(everDone);
          assertThat(missing).as("committed events lost after SIGKILL (seed %d)", seed).isEmpty();
          System.out.printf(
              "[audit-crash] %s seed=%d acked=%d done=%d in-table=%d%n",
              database.describe(), seed, acked.size(), done.size(), inTable.size());
        }
      }
    } finally {
      database.drop(table);
    }
  }

  private static Thread pump(Process child, Set<String> acked, Set<String> done) {
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  if (line.startsWith("ACK ")) {
                    acked.add(line.substring(4));
                  } else if (line.startsWith("DONE ")) {
                    done.add(line.substring(5));
                  } else {
                    System.out.println("[child] " + line);
                  }
                }
              } catch (Exception e) {
                // the child died
              }
            });
    pump.start();
    return pump;
  }
}
