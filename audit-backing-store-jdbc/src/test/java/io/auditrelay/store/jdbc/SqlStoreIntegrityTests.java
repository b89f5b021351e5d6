package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.StoreParams;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tampering with a SQL store's table while the service is stopped, as someone with write access to
 * the table would, with every row's length and CRC32C recomputed: an edit, a forged insert, a
 * deleted row, two rows swapped, and a delivered row put back. Fails on the code before the
 * integrity stamp: the edited and forged rows were delivered as genuine, and nothing could tell
 * that a row was missing.
 */
class SqlStoreIntegrityTests {

  private final AmqpBroker broker = RealServers.rabbitmq();
  private final SigningKey key = SigningKey.generate();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  static Stream<TestDatabase> databases() {
    return Stream.of(
        TestDatabase.postgres().report("SqlStoreIntegrityTests"),
        TestDatabase.mariadb().report("SqlStoreIntegrityTests"));
  }

  private Auditor auditor(String uri, String queue, BackingStore store) {
    return TamperedStores.auditor(uri, queue, store, key, registry);
  }

  /** A row of the table: its store sequence and its payload. */
  private record Row(long storeSeq, String payload) {}

  /** The rows by the stamp sequence of their payload. */
  private static TreeMap<Long, Row> rows(JdbcTemplate jdbc, String table) {
    TreeMap<Long, Row> rows = new TreeMap<>();
    jdbc.query(
        "SELECT seq, payload FROM " + table + " ORDER BY seq",
        result -> {
          String payload = result.getString(2);
          long stampSeq =
              IntegrityStamp.locate(payload.getBytes(StandardCharsets.UTF_8))
                  .orElseThrow()
                  .stamp()
                  .seq();
          rows.put(stampSeq, new Row(result.getLong(1), payload));
        });
    return rows;
  }

  /** Sets a row's payload, with its length and checksum recomputed as the store computes them. */
  private static void setPayload(JdbcTemplate jdbc, String table, long storeSeq, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    jdbc.update(
        "UPDATE " + table + " SET payload = ?, payload_bytes = ?, payload_crc = ? WHERE seq = ?",
        payload,
        bytes.length,
        Payloads.crc(bytes),
        storeSeq);
  }

  private static void insert(JdbcTemplate jdbc, String table, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    jdbc.update(
        "INSERT INTO "
            + table
            + " (event_id, payload, payload_bytes, payload_crc, appended_at) VALUES (?, ?, ?, ?, ?)",
        UUID.randomUUID().toString(),
        payload,
        bytes.length,
        Payloads.crc(bytes),
        System.currentTimeMillis());
  }

  private double tampered() {
    return TamperedStores.tampered(registry);
  }

  private static String cli(TestDatabase database, String table, int expectedExit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "AUDIT_STORE_JDBC_USER",
            database.username(),
            "AUDIT_STORE_JDBC_PASSWORD",
            database.password());
    int exit =
        SqlStoreCli.run(new String[] {"verify", database.url(), table}, new PrintStream(out), env);
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(report).isEqualTo(expectedExit);
    return report;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void everyTamperOfTheTableIsFoundOnDrainAndNothingTamperedIsPublished(TestDatabase database)
      throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-sql-integrity-" + UUID.randomUUID();
    String table = TestDatabase.uniqueTable("integrity");
    try (HikariDataSource dataSource = database.dataSource();
        TcpProxy down = TcpProxy.refusingTo(broker);
        QueueReader reader = new QueueReader(broker, queue)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      String quoted = database.quote(table);
      Auditor first = auditor(broker.via(down).uri(), queue, database.open(table, Map.of()));
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        futures.add(first.record(TestEvents.event(0, i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      first.close(); // broker down: start, 12 events, checkpoints at 6 and 12, the end at 15

      TreeMap<Long, Row> before = rows(jdbc, quoted);
      assertThat(before.keySet()).hasSize(16);
      assertThat(cli(database, table, 0)).startsWith("OK 16 rows");

      // The attacker: seq 3's initiator becomes another user; a forged copy of seq 5 naming that
      // user is added; seq 9 is deleted; seq 10 and 11 change places.
      setPayload(
          jdbc,
          quoted,
          before.get(3L).storeSeq(),
          before.get(3L).payload().replace("\"id\":\"user-0\"", "\"id\":\"adm-00\""));
      insert(
          jdbc, quoted, before.get(5L).payload().replace("\"id\":\"user-0\"", "\"id\":\"adm-00\""));
      jdbc.update("DELETE FROM " + quoted + " WHERE seq = ?", before.get(9L).storeSeq());
      setPayload(jdbc, quoted, before.get(10L).storeSeq(), before.get(11L).payload());
      setPayload(jdbc, quoted, before.get(11L).storeSeq(), before.get(10L).payload());

      String report = cli(database, table, 1);
      assertThat(report)
          .startsWith("TAMPERED 3 problem(s) in 16 rows:")
          .contains("(sequence 3 of billing@pod-1/")
          .contains("it was altered")
          .contains("sequence 10 of billing@pod-1/")
          .contains("sequence 5 of billing@pod-1/")
          .doesNotContain("CORRUPT");

      Auditor second = auditor(broker.uri(), queue, database.open(table, Map.of()));
      // The edit, the forgery and the swapped-back seq 10 are quarantined; 13 of the first run's
      // 16 are delivered (less 3, 9 and 10), and the second run's start.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tampered() == 3);
      reader.awaitAtLeast(13, Duration.ofSeconds(30));
      // A delivered row put back: refused as a replay.
      insert(jdbc, quoted, before.get(2L).payload());
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tampered() == 4);
      second.close();
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + quoted, Long.class)).isZero();
      assertThat(
              jdbc.queryForObject(
                  "SELECT COUNT(*) FROM " + database.quote(table + "_quarantine"), Long.class))
          .isEqualTo(4);

      List<QueueReader.Delivered> delivered = reader.poll();
      TrailVerifier verifier = new TrailVerifier(VerificationKeys.of(List.of(key.publicKey())));
      delivered.forEach(d -> verifier.accept(d.body()));
      TrailReport trail = verifier.report();
      StreamReport firstRun =
          trail.streams().stream()
              .filter(StreamReport::ended)
              .filter(s -> s.events() > 2)
              .findFirst()
              .orElseThrow();
      assertThat(firstRun.holes())
          .containsExactly(new SeqRange(3, 3), new SeqRange(9, 10)); // each proven missing
      assertThat(firstRun.problems()).isEmpty(); // nothing tampered was published as genuine
      assertThat(delivered)
          .noneMatch(d -> new String(d.body(), StandardCharsets.UTF_8).contains("adm-00"));
      assertThat(trail.streams()).allSatisfy(s -> assertThat(s.problems()).isEmpty());
      reader.delete();
    } finally {
      database.drop(table);
    }
  }

  static Stream<Arguments> transactionalStores() {
    return Stream.of(
        Arguments.of(TestDatabase.postgres().report("SqlStoreIntegrityTests"), false),
        Arguments.of(TestDatabase.mariadb().report("SqlStoreIntegrityTests"), false),
        Arguments.of(TestDatabase.mariadb().report("SqlStoreIntegrityTests"), true));
  }

  /**
   * Transactional delivery with integrity: events are sealed in the callers' transactions and
   * stamped by the drain, which stores the stamped bytes before it publishes them. Fails on the
   * code before drain-time stamping: the builder refused integrity with transactional delivery.
   * Rolled-back transactions leave no hole; every delivered event has the bytes the store kept
   * while the broker was down; a stamped row edited in the table is quarantined as tampered.
   */
  @ParameterizedTest
  @MethodSource("transactionalStores")
  void transactionalEventsAreStampedOnDrainAndARollbackLeavesNoHole(
      TestDatabase database, boolean lease) throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-sql-tx-integrity-" + UUID.randomUUID();
    String table = TestDatabase.uniqueTable("tx_integrity");
    String business = TestDatabase.uniqueTable("tx_business");
    try (HikariDataSource application = database.dataSource();
        TcpProxy down = TcpProxy.refusingTo(broker);
        QueueReader reader = new QueueReader(broker, queue)) {
      JdbcTemplate jdbc = new JdbcTemplate(application);
      jdbc.execute("CREATE TABLE " + business + " (name VARCHAR(50))");
      TransactionTemplate transaction =
          new TransactionTemplate(new DataSourceTransactionManager(application));
      String quoted = database.quote(table);
      Auditor first =
          TamperedStores.auditor(
              broker.via(down).uri(),
              queue,
              transactionalStore(application, table, lease),
              key,
              registry,
              DeliveryMode.TRANSACTIONAL);
      List<String> committed = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int n = i;
        boolean rollBack = i % 3 == 2;
        transaction.executeWithoutResult(
            status -> {
              jdbc.update("INSERT INTO " + business + " VALUES (?)", "row-" + n);
              first.record(TestEvents.event(0, n));
              if (rollBack) {
                status.setRollbackOnly();
              }
            });
        if (!rollBack) {
          committed.add(TestEvents.key(TestEvents.event(0, n)));
        }
      }
      first.record(TestEvents.event(0, 100)).get(10, TimeUnit.SECONDS); // outside a transaction
      committed.add(TestEvents.key(TestEvents.event(0, 100)));
      // The broker is down, yet every row gets its stamp: the drain stores it before publishing.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> allStamped(jdbc, quoted) && rows(jdbc, quoted).size() >= 10);
      first.close();
      TreeMap<Long, Row> stored = rows(jdbc, quoted);
      // Start, 9 events, checkpoints at 5 and 10 events, the end: no place for a rolled-back one.
      assertThat(stored.keySet())
          .as(
              stored.keySet()
                  + " tampered "
                  + tampered()
                  + " quarantined "
                  + jdbc.queryForList(
                      "SELECT reason FROM " + database.quote(table + "_quarantine"), String.class)
                  + " storeSeqs "
                  + stored.values().stream().map(Row::storeSeq).toList())
          .isEqualTo(rangeSet(0, stored.lastKey()));
      Map<String, String> storedBodies = new java.util.HashMap<>();
      stored.values().forEach(r -> storedBodies.put(idOf(r.payload()), r.payload()));

      // Someone with write access edits one stamped event, its checksum recomputed.
      long edited =
          stored.entrySet().stream()
              .filter(e -> e.getValue().payload().contains("\"id\":\"user-0\""))
              .findFirst()
              .orElseThrow()
              .getKey();
      setPayload(
          jdbc,
          quoted,
          stored.get(edited).storeSeq(),
          stored.get(edited).payload().replace("\"id\":\"user-0\"", "\"id\":\"adm-00\""));

      Auditor second =
          TamperedStores.auditor(
              broker.uri(),
              queue,
              transactionalStore(application, table, lease),
              key,
              registry,
              DeliveryMode.TRANSACTIONAL);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tampered() == 1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM " + quoted, Long.class) == 0);
      second.close();

      List<QueueReader.Delivered> delivered = reader.poll();
      TrailVerifier verifier = new TrailVerifier(VerificationKeys.of(List.of(key.publicKey())));
      delivered.forEach(d -> verifier.accept(d.body()));
      TrailReport trail = verifier.report();
      assertThat(trail.streams()).as(trail.describe()).hasSize(2);
      assertThat(trail.streams())
          .allSatisfy(
              stream -> {
                assertThat(stream.problems()).as(trail.describe()).isEmpty();
                assertThat(stream.ended()).as(trail.describe()).isTrue();
              });
      // The only hole is the edited event, proven missing; no rolled-back transaction left one.
      assertThat(trail.streams().stream().flatMap(st -> st.holes().stream()).toList())
          .containsExactly(new SeqRange(edited, edited));
      List<String> events = new ArrayList<>();
      for (QueueReader.Delivered d : delivered) {
        String body = new String(d.body(), StandardCharsets.UTF_8);
        io.auditrelay.cadf.CadfValidator.validate(io.auditrelay.cadf.CadfJson.read(d.body()));
        assertThat(body).doesNotContain("integrity-pending").doesNotContain("adm-00");
        String storedBody = storedBodies.get(idOf(body));
        if (storedBody != null) {
          assertThat(body).as("delivered as the store kept it").isEqualTo(storedBody);
        }
        if (body.contains("\"id\":\"user-0\"")) {
          events.add(TestEvents.key(d.body()));
        }
      }
      List<String> expected = new ArrayList<>(committed);
      expected.remove(
          TestEvents.key(stored.get(edited).payload().getBytes(StandardCharsets.UTF_8)));
      assertThat(events).containsExactlyInAnyOrderElementsOf(expected);
      reader.delete();
    } finally {
      database.drop(table);
      database.dropTable(business);
    }
  }

  private static BackingStore transactionalStore(
      javax.sql.DataSource application, String table, boolean lease) {
    return new JdbcBackingStoreFactory(() -> application, true, java.time.Clock.systemUTC(), lease)
        .create(new StoreParams("test", "sql", Map.of("table_name", table)));
  }

  private static boolean allStamped(JdbcTemplate jdbc, String table) {
    return jdbc.queryForList("SELECT payload FROM " + table, String.class).stream()
        .allMatch(p -> IntegrityStamp.locate(p.getBytes(StandardCharsets.UTF_8)).isPresent());
  }

  private static java.util.Set<Long> rangeSet(long from, long to) {
    java.util.Set<Long> range = new java.util.TreeSet<>();
    for (long i = from; i <= to; i++) {
      range.add(i);
    }
    return range;
  }

  private static String idOf(String payload) {
    return io.auditrelay.cadf.CadfJson.read(payload.getBytes(StandardCharsets.UTF_8)).id();
  }
}
