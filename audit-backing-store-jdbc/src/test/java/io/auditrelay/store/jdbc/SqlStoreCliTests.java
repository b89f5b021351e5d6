package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The SQL store's operator CLI on H2: its verbs, its verdicts, and bad input. */
class SqlStoreCliTests {

  private final SigningKey key = SigningKey.generate();

  /** What a run printed, and its exit code. */
  private record Result(int exit, String out) {}

  private static Result run(TestDatabase database, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        SqlStoreCli.run(
            args,
            new PrintStream(out),
            Map.of(
                "AUDIT_STORE_JDBC_USER",
                database.username(),
                "AUDIT_STORE_JDBC_PASSWORD",
                database.password()));
    return new Result(exit, out.toString(StandardCharsets.UTF_8));
  }

  private Auditor auditor(TestDatabase database, String table, String stream) {
    return Auditor.builder()
        .rabbitUri("amqp://127.0.0.1:1") // nothing listens: every event stays in the table
        .queueName("audit")
        .deliveryMode(DeliveryMode.WRITE_AHEAD)
        .backingStore(database.open(table, Map.of()))
        .integrity(
            Integrity.builder(stream)
                .signingKey(key)
                .checkpointEvents(1000)
                .checkpointInterval(Duration.ofHours(1))
                .build())
        .shutdownTimeout(Duration.ofMillis(200))
        .shutdownHook(false)
        .build();
  }

  /**
   * Two replicas on one table, their rows alternating, and one row of the first edited. Fails on
   * the code before: the chain was followed for the stream of the previous row only, so with
   * replicas interleaved no link was ever checked and {@code verify} said OK.
   */
  @Test
  void replicasInterleavedOnOneTableAreEachFollowedOnTheirOwnChain() throws Exception {
    TestDatabase database = TestDatabase.h2();
    String table = "audit_events";
    try (Auditor a = auditor(database, table, "billing@pod-a");
        Auditor b = auditor(database, table, "billing@pod-b")) {
      for (int i = 0; i < 6; i++) {
        a.record(TestEvents.event(0, i)).join();
        b.record(TestEvents.event(1, i)).join();
      }
      Result clean = run(database, "verify", database.url(), table);
      assertThat(clean.exit()).as(clean.out()).isZero();
      assertThat(clean.out()).startsWith("OK 14 rows"); // a start and 6 events each

      try (HikariDataSource dataSource = database.dataSource()) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Long seq =
            jdbc.query(
                "SELECT seq, payload FROM \"audit_events\" ORDER BY seq",
                rows -> {
                  while (rows.next()) {
                    IntegrityStamp stamp =
                        IntegrityStamp.locate(rows.getString(2).getBytes(StandardCharsets.UTF_8))
                            .orElseThrow()
                            .stamp();
                    if (stamp.stream().equals("billing@pod-a") && stamp.seq() == 2) {
                      return rows.getLong(1);
                    }
                  }
                  return null;
                });
        String payload =
            jdbc.queryForObject(
                "SELECT payload FROM \"audit_events\" WHERE seq = ?", String.class, seq);
        String edited = payload.replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"");
        byte[] bytes = edited.getBytes(StandardCharsets.UTF_8);
        jdbc.update(
            "UPDATE \"audit_events\" SET payload = ?, payload_bytes = ?, payload_crc = ?"
                + " WHERE seq = ?",
            edited,
            bytes.length,
            Payloads.crc(bytes),
            seq);
      }
      Result tampered = run(database, "verify", database.url());
      assertThat(tampered.exit()).as(tampered.out()).isEqualTo(1);
      assertThat(tampered.out())
          .startsWith("TAMPERED 1 problem(s) in 14 rows:")
          .contains("(sequence 2 of billing@pod-a/")
          .contains("it was altered");

      Result stats = run(database, "stats", database.url(), table);
      assertThat(stats.exit()).isZero();
      assertThat(stats.out()).contains("events 14\n").contains("quarantined 0\n");
      Result dump = run(database, "dump", database.url(), table);
      assertThat(dump.out().lines()).hasSize(14).anyMatch(line -> line.contains("adm-00"));
    }
  }

  @Test
  void aRowWhoseChecksumNoLongerMatchesIsCorrupt() throws Exception {
    TestDatabase database = TestDatabase.h2();
    try (Auditor a = auditor(database, "audit_events", "billing@pod-a")) {
      a.record(TestEvents.event(0, 0)).join();
    }
    database.execute("UPDATE \"audit_events\" SET payload_crc = payload_crc + 1");
    Result result = run(database, "verify", database.url());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .startsWith("CORRUPT 3 problem(s) in 3 rows:") // start, the event, end
        .contains("payload checksum mismatch");
  }

  @Test
  void badInputIsNamedAndAPasswordInTheUrlIsNeverPrinted() {
    TestDatabase database = TestDatabase.h2();
    Result usage = run(database, "purge", database.url());
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.out())
        .startsWith("usage: SqlStoreCli stats|dump|verify|list JDBC_URL [TABLE]");

    Result table = run(database, "verify", database.url(), "Audit-Events");
    assertThat(table.exit()).isEqualTo(2);
    assertThat(table.out()).contains("TABLE Audit-Events is not a store's table_name");

    Result unreachable =
        run(database, "stats", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=s3cr/t");
    assertThat(unreachable.exit()).isEqualTo(2);
    assertThat(unreachable.out())
        .startsWith("cannot read store table audit_events at jdbc:postgresql://127.0.0.1:1/x")
        .doesNotContain("s3cr");

    Result missing = run(database, "verify", database.url(), "no_such_table");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.out()).startsWith("cannot read store table no_such_table");
  }

  /**
   * The quarantine verbs beside a store that is open, as a running service holds it. Fails on the
   * code before: the CLI knew stats, dump and verify only, and a quarantined row could be put back
   * only with hand-written SQL and a recomputed checksum.
   */
  @Test
  void listsRequeuesAndDeletesTheQuarantineBesideARunningStore() {
    TestDatabase database = TestDatabase.h2();
    String table = TestDatabase.uniqueTable("cli_quarantine");
    try (BackingStore running = database.open(table, Map.of())) {
      List<SerializedEvent> appended = BackingStoreConformanceTests.events(0, 3);
      running.append(appended);
      Claim claim = running.claim(3);
      running.quarantine(claim.subset(List.of(claim.events().get(0).sequence())), "returned");
      running.quarantine(claim.subset(List.of(claim.events().get(1).sequence())), "returned");
      running.release(claim.subset(List.of(claim.events().get(2).sequence())));
      long first = claim.events().get(0).sequence();
      long second = claim.events().get(1).sequence();

      Result list = run(database, "list", database.url(), table);
      assertThat(list.exit()).isZero();
      assertThat(list.out().lines().toList())
          .containsExactly(
              first + " " + appended.get(0).id() + " 200 requeueable returned",
              second + " " + appended.get(1).id() + " 200 requeueable returned");

      Result requeue = run(database, "requeue", database.url(), table, Long.toString(first));
      assertThat(requeue.exit()).isZero();
      assertThat(requeue.out()).isEqualTo("requeued " + first + System.lineSeparator());
      Result delete =
          run(database, "delete", database.url(), table, Long.toString(second), "a duplicate");
      assertThat(delete.exit()).isZero();
      assertThat(
              run(database, "delete", database.url(), table, Long.toString(second), "again").exit())
          .isEqualTo(1);

      assertThat(run(database, "list", database.url(), table).out()).isEmpty();
      assertThat(running.claim(10).events())
          .extracting(StoredEvent::id)
          .containsExactly(appended.get(2).id(), appended.get(0).id());
    } finally {
      database.drop(table);
    }
  }

  /** The one operator CLI finds the SQL store's commands for a JDBC URL, with the same verbs. */
  @Test
  void theOneOperatorCliRunsTheSqlStoresVerbsForAJdbcUrl() {
    TestDatabase database = TestDatabase.h2();
    String table = TestDatabase.uniqueTable("one_cli");
    try (BackingStore running = database.open(table, Map.of())) {
      running.append(BackingStoreConformanceTests.events(0, 2));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code =
          io.auditrelay.store.StoreCli.run(
              new String[] {"stats", database.url(), table},
              new PrintStream(out),
              Map.of(
                  "AUDIT_STORE_JDBC_USER",
                  database.username(),
                  "AUDIT_STORE_JDBC_PASSWORD",
                  database.password()));
      assertThat(code).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("events 2");
    } finally {
      database.drop(table);
    }
  }
}
