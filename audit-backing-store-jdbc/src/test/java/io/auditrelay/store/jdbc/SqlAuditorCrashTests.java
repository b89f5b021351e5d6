package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.ChildJvm;
import io.auditrelay.testsupport.CrashSelection;
import io.auditrelay.testsupport.Deliveries;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TestKeys;
import io.auditrelay.verify.StreamReport;
import io.auditrelay.verify.TrailReport;
import io.auditrelay.verify.TrailVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The crash oracle through the Auditor on an SQL store, in each delivery mode: a child JVM ({@link
 * SqlAuditorCrashChild}) records while its broker connection flaps and is killed with SIGKILL at a
 * random moment, several times on one table and queue; then an Auditor in this JVM drains the
 * table. Every event whose future completed is delivered, with its first bytes, in each producer's
 * order; nothing foreign is delivered. In {@code transactional} mode the events delivered are
 * exactly those whose business row committed: a rolled-back transaction never publishes, a
 * committed one always does, even when the child died before it could say so. Kills per database
 * and mode: {@code -Daudit.crash.iterations} (default 3).
 */
class SqlAuditorCrashTests {

  private static final int ITERATIONS = Integer.getInteger("audit.crash.iterations", 2);

  static Stream<Arguments> runs() {
    TestDatabase postgres = TestDatabase.postgres().report("SqlAuditorCrashTests");
    TestDatabase mariadb = TestDatabase.mariadb().report("SqlAuditorCrashTests");
    // An in-memory H2 dies with the child: the laptop fallback runs on PostgreSQL only.
    List<TestDatabase> databases = mariadb.real() ? List.of(postgres, mariadb) : List.of(postgres);
    return CrashSelection.selected(
        databases.stream()
            .flatMap(
                db ->
                    Stream.of(
                            DeliveryMode.BUFFER_ON_FAILURE,
                            DeliveryMode.WRITE_AHEAD,
                            DeliveryMode.TRANSACTIONAL)
                        .map(mode -> Arguments.of(db, mode))));
  }

  @ParameterizedTest
  @MethodSource("runs")
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void everyCompletedEventIsDeliveredAcrossSigkill(TestDatabase database, DeliveryMode mode)
      throws Exception {
    AmqpBroker broker = RealServers.rabbitmq();
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String table = TestDatabase.uniqueTable("crash_auditor");
    String business = TestDatabase.uniqueTable("crash_business");
    String queue = "audit-sql-crash-" + UUID.randomUUID();
    long baseSeed = Long.getLong("audit.crash.seed", System.nanoTime());
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> producers = new HashSet<>();
    database.execute("CREATE TABLE " + business + " (event_key VARCHAR(100) PRIMARY KEY)");
    // Integrity on: the consumer's oracle then tells a hole from the cut of a killed run. In
    // transactional mode the events are sealed in the callers' transactions and stamped by the
    // drain; a rolled-back transaction must leave no hole.
    Path keyFile = Files.createTempDirectory("audit-crash-key").resolve("signing.pem");
    SigningKey signing = TestKeys.inPemFile(keyFile);
    List<String> jvm = List.of("-Daudit.crash.integrity-key=" + keyFile);
    try (QueueReader reader = new QueueReader(broker, queue).declare();
        HikariDataSource dataSource =
            SqlAuditorCrashChild.dataSource(database.url(), database.username())) {
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        long seed = baseSeed + iteration;
        for (int p = 0; p < 4; p++) {
          producers.add("s" + seed + "p" + p);
        }
        int before = acked.size();
        Process child =
            ChildJvm.start(
                jvm,
                SqlAuditorCrashChild.class.getName(),
                database.url(),
                database.username(),
                table,
                business,
                broker.host(),
                Integer.toString(broker.port()),
                broker.username(),
                broker.password(),
                queue,
                mode.name(),
                Long.toString(seed));
        Thread pump = ChildJvm.readProtocol(child, acked::add, done -> {});
        int killAfter = before + 100 + new SplittableRandom(seed).nextInt(600);
        Awaitility.await()
            .atMost(150, TimeUnit.SECONDS)
            .until(() -> acked.size() >= killAfter || !child.isAlive());
        assertThat(child.isAlive()).as("child alive until killed (seed %d)", seed).isTrue();
        ChildJvm.kill(child, pump); // SIGKILL: transactions and claims open
      }

      try (Auditor drainer =
          SqlAuditorCrashChild.auditor(
              dataSource,
              table,
              broker.uri(),
              queue,
              mode == DeliveryMode.TRANSACTIONAL
                  ? DeliveryMode.TRANSACTIONAL
                  : DeliveryMode.WRITE_AHEAD,
              signing)) {
        Awaitility.await()
            .atMost(120, TimeUnit.SECONDS)
            .until(() -> drainer.state().orElseThrow().store().events() == 0);
      }
      String context = database.describe() + ", " + mode + ", seeds from " + baseSeed;
      List<QueueReader.Delivered> messages = reader.poll();
      Deliveries deliveries = Deliveries.of(messages).inProducerOrder().containsAll(acked, context);
      long cut;
      {
        TrailVerifier verifier =
            new TrailVerifier(VerificationKeys.of(List.of(signing.publicKey())));
        messages.forEach(m -> verifier.accept(m.body()));
        TrailReport trail = verifier.report();
        // One epoch per killed child, cut, never holed; the drainer's ended; nothing altered.
        assertThat(trail.streams())
            .as("integrity (%s): %s", context, trail.describe())
            .hasSize(ITERATIONS + 1)
            .allSatisfy(
                s -> {
                  assertThat(s.holes()).isEmpty();
                  assertThat(s.problems()).isEmpty();
                })
            .filteredOn(StreamReport::ended)
            .hasSize(1);
        cut = trail.streams().stream().mapToLong(StreamReport::cutSize).sum();
      }
      for (String key : deliveries.keys()) {
        assertThat(producers).as("producer of %s (%s)", key, context).contains(key.split("/")[0]);
      }
      if (mode == DeliveryMode.TRANSACTIONAL) {
        Set<String> committed =
            new HashSet<>(
                new JdbcTemplate(dataSource)
                    .queryForList("SELECT event_key FROM " + business, String.class));
        assertThat(committed).as("acknowledged business rows committed").containsAll(acked);
        deliveries.containsAll(committed, context).onlyFrom(committed, context);
      }
      System.out.printf(
          "[audit-crash] auditor on %s, %s: %d kills, %d acked, %d delivered, %d duplicates,"
              + " %s%n",
          database.describe(),
          mode,
          ITERATIONS,
          acked.size(),
          deliveries.firstDeliveries().size(),
          deliveries.duplicates(),
          "integrity on, holes 0, cut " + cut);
      reader.delete();
    } finally {
      database.drop(table);
      database.dropTable(business);
    }
  }
}
