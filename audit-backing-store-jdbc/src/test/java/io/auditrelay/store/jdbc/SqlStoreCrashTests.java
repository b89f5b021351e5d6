package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import io.auditrelay.testsupport.ChildJvm;
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
    keep = false;
    try {
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        long seed = baseSeed + iteration;
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> done = ConcurrentHashMap.newKeySet();
        Process child =
            ChildJvm.start(
                List.of(),
                SqlCrashChild.class.getName(),
                database.url(),
                database.username(),
                table,
                "4",
                Long.toString(seed));
        Thread pump = ChildJvm.readProtocol(child, acked::add, done::add);
        int killAfter = 200 + new SplittableRandom(seed).nextInt(2000);
        Awaitility.await()
            .atMost(120, TimeUnit.SECONDS)
            .until(() -> acked.size() >= killAfter || !child.isAlive());
        assertThat(child.isAlive()).as("child alive until killed (seed %d)", seed).isTrue();
        ChildJvm.kill(child, pump); // SIGKILL, claim transactions open
        everAcked.addAll(acked);
        everDone.addAll(done);

        // Reopen (recovery is the store's business), then read the table as it is: a plain
        // query, because rows may stay locked for a moment by the dead child's sessions.
        database.open(table, Map.of()).close();
        {
          Set<String> inTable = new HashSet<>();
          for (String id : ids(database, table)) {
            assertThat(inTable.add(id)).as("twice in the table: %s", id).isTrue();
          }
          Set<String> missing = new HashSet<>(everAcked);
          missing.removeAll(inTable);
          missing.removeAll(everDone);
          if (!missing.isEmpty()) {
            keep = true; // for inspection
            System.out.printf(
                "[audit-crash] LOST in %s: %d missing, %d of them quarantined, sample %s%n",
                table,
                missing.size(),
                missing.stream().filter(quarantined(database, table)::contains).count(),
                missing.stream().limit(5).toList());
          }
          assertThat(missing).as("committed events lost after SIGKILL (seed %d)", seed).isEmpty();
          System.out.printf(
              "[audit-crash] %s seed=%d acked=%d done=%d in-table=%d%n",
              database.describe(), seed, acked.size(), done.size(), inTable.size());
        }
      }
      // The dead children's locks end with their sessions: then every row is claimable again.
      Set<String> expected = new HashSet<>(ids(database, table));
      try (BackingStore store = database.open(table, Map.of("batch_size", 1_000_000))) {
        Awaitility.await()
            .atMost(60, TimeUnit.SECONDS)
            .until(
                () -> {
                  Claim claim = store.claim(1_000_000);
                  store.release(claim);
                  Set<String> claimed = new HashSet<>();
                  claim.events().forEach(e -> claimed.add(e.id()));
                  return claimed.containsAll(expected);
                });
      }
    } finally {
      if (!keep) {
        database.drop(table);
      }
    }
  }

  private boolean keep;

  private static Set<String> quarantined(TestDatabase database, String table) {
    try {
      return new HashSet<>(ids(database, table + "_quarantine"));
    } catch (Exception e) {
      return Set.of();
    }
  }

  private static List<String> ids(TestDatabase database, String table) throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    try (var ds = database.dataSource();
        var connection = ds.getConnection();
        var statement =
            connection.prepareStatement("SELECT event_id FROM " + database.quote(table));
        var rows = statement.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
