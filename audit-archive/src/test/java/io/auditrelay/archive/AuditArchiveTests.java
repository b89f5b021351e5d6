package io.auditrelay.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.archive.ArchiveResult.Outcome;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.jdbc.TestDatabase;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.SignedTrail;
import io.auditrelay.verify.TrailMessage;
import io.auditrelay.verify.TrailReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The archive on PostgreSQL and MariaDB, fed real trails delivered through the broker. */
class AuditArchiveTests {

  static final SigningKey KEY = SigningKey.generate();

  static Stream<TestDatabase> databases() {
    return Stream.of(
        TestDatabase.postgres().report("AuditArchiveTests"),
        TestDatabase.mariadb().report("AuditArchiveTests"));
  }

  /** The bodies of a whole trail of {@code events} events, by stamp sequence, as delivered. */
  static TreeMap<Long, String> trail(int events) {
    AmqpBroker broker = RealServers.rabbitmq();
    RealServers.report("AuditArchiveTests", broker.describe());
    String queue = "audit-archive-trail-" + UUID.randomUUID();
    try (QueueReader reader = new QueueReader(broker, queue).declare()) {
      int expected = SignedTrail.publish(broker, queue, KEY, events, 4);
      TreeMap<Long, String> bodies = new TreeMap<>();
      for (QueueReader.Delivered d : reader.awaitAtLeast(expected, Duration.ofSeconds(30))) {
        String body = new String(d.body(), StandardCharsets.UTF_8);
        bodies.put(IntegrityStamp.locate(d.body()).orElseThrow().stamp().seq(), body);
      }
      reader.delete();
      return bodies;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String id(String body) {
    return java.util.Objects.requireNonNull(TrailMessage.read(bytes(body)).id());
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static String table(TestDatabase database) {
    return TestDatabase.uniqueTable("archive");
  }

  private static void dropAll(TestDatabase database, String table) {
    database.dropTable(table);
    database.dropTable(table + "_schema_history");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aTrailDeliveredTwiceInAnyOrderIsArchivedOnceAndVerifies(TestDatabase database) {
    String table = table(database);
    try (HikariDataSource dataSource = database.dataSource()) {
      AuditArchive archive =
          new AuditArchive(dataSource, table, VerificationKeys.of(List.of(KEY.publicKey())), true);
      TreeMap<Long, String> trail = trail(21);
      List<String> deliveries = new ArrayList<>(trail.values());
      deliveries.addAll(trail.values()); // every message delivered twice
      Collections.shuffle(deliveries, new Random(7));
      List<Outcome> outcomes = new ArrayList<>();
      for (String body : deliveries) {
        outcomes.add(archive.store(bytes(body)).outcome());
      }
      assertThat(outcomes).filteredOn(o -> o == Outcome.STORED).hasSize(trail.size());
      assertThat(outcomes).filteredOn(o -> o == Outcome.DUPLICATE).hasSize(trail.size());

      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      String quoted = database.quote(table);
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + quoted, Long.class))
          .isEqualTo(trail.size());
      assertThat(
              jdbc.queryForObject(
                  "SELECT COUNT(*) FROM " + quoted + " WHERE problem IS NOT NULL", Long.class))
          .isZero();
      // The exact bytes are kept: the whole trail verifies from the table.
      TrailReport report = archive.verify();
      assertThat(report.verified()).as(report.describe()).isTrue();
      assertThat(report.streams()).singleElement().satisfies(s -> assertThat(s.ended()).isTrue());

      // A second archive on the same table (another replica) finds it migrated.
      AuditArchive again = new AuditArchive(dataSource, table, VerificationKeys.none(), true);
      assertThat(again.store(bytes(trail.get(3L))).outcome()).isEqualTo(Outcome.DUPLICATE);
    } finally {
      dropAll(database, table);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void editsForgeriesAndBrokenLinksAreNamedAndNothingIsOverwritten(TestDatabase database) {
    String table = table(database);
    try (HikariDataSource dataSource = database.dataSource()) {
      AuditArchive archive =
          new AuditArchive(dataSource, table, VerificationKeys.of(List.of(KEY.publicKey())), true);
      TreeMap<Long, String> trail = trail(9);
      for (long seq = 0; seq <= 3; seq++) {
        assertThat(archive.store(bytes(trail.get(seq))).outcome()).isEqualTo(Outcome.STORED);
      }

      // The same id with other bytes: refused, the archived event untouched.
      String edited = trail.get(2L).replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"");
      ArchiveResult sameId = archive.store(bytes(edited));
      assertThat(sameId.outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(sameId.problem()).contains("another event with id");

      // Another id at a position that is taken: refused.
      String genuine3 = trail.get(3L);
      String id3 = id(genuine3);
      String forged = genuine3.replace(id3, UUID.randomUUID().toString());
      ArchiveResult samePosition = archive.store(bytes(forged));
      assertThat(samePosition.outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(samePosition.problem()).contains("sequence 3 of billing@pod-1/");

      // An altered seq 4 arrives first: it links to seq 3, so only seq 5 shows it.
      String genuine4 = trail.get(4L);
      String altered4 =
          genuine4
              .replace(id(genuine4), UUID.randomUUID().toString())
              .replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"");
      assertThat(archive.store(bytes(altered4)).outcome()).isEqualTo(Outcome.STORED);
      ArchiveResult five = archive.store(bytes(trail.get(5L)));
      assertThat(five.outcome()).isEqualTo(Outcome.SUSPECT);
      assertThat(five.problem()).contains("does not link to seq 4");
      assertThat(archive.store(bytes(genuine4)).outcome()).isEqualTo(Outcome.CONFLICT);

      // A checkpoint whose signature was replaced: archived as suspect.
      long checkpointSeq =
          trail.entrySet().stream()
              .filter(e -> e.getValue().contains("auditrelay:checkpoint/v1"))
              .filter(e -> e.getKey() > 5)
              .findFirst()
              .orElseThrow()
              .getKey();
      String checkpoint = trail.get(checkpointSeq);
      String signature = checkpoint.replaceAll("(?s).*\"signature\":\"([^\"]+)\".*", "$1");
      char flipped = signature.charAt(5) == 'A' ? 'B' : 'A';
      String badSignature =
          checkpoint.replace(
              signature, signature.substring(0, 5) + flipped + signature.substring(6));
      ArchiveResult forgedCheckpoint = archive.store(bytes(badSignature));
      assertThat(forgedCheckpoint.outcome()).isEqualTo(Outcome.SUSPECT);
      assertThat(forgedCheckpoint.problem()).contains("signature does not verify");

      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      String quoted = database.quote(table);
      assertThat(
              jdbc.queryForList(
                  "SELECT event_id FROM " + quoted + " WHERE problem IS NOT NULL ORDER BY seq",
                  String.class))
          .containsExactly(id(trail.get(5L)), id(trail.get(checkpointSeq)));
      assertThat(
              jdbc.queryForObject(
                  "SELECT body FROM " + quoted + " WHERE event_id = ?",
                  String.class,
                  id(trail.get(2L))))
          .isEqualTo(trail.get(2L));
      assertThat(archive.verify().verified()).isFalse();
    } finally {
      dropAll(database, table);
    }
  }

  @Test
  void whatATextColumnCannotKeepOrThatHasNoIdIsUnreadable() {
    TestDatabase database = TestDatabase.postgres().report("AuditArchiveTests");
    String table = table(database);
    try (HikariDataSource dataSource = database.dataSource()) {
      AuditArchive archive = new AuditArchive(dataSource, table, VerificationKeys.none(), true);
      assertThat(archive.store(bytes("not json")).outcome()).isEqualTo(Outcome.UNREADABLE);
      assertThat(archive.store(new byte[] {'{', (byte) 0xC3, '}'}).problem())
          .contains("not UTF-8 text");
      assertThat(archive.store(bytes("{\"a\":\"\\u0000\"}")).outcome())
          .isEqualTo(Outcome.UNREADABLE);
      ArchiveResult noId = archive.store(bytes("{\"eventType\":\"activity\"}"));
      assertThat(noId.outcome()).isEqualTo(Outcome.UNREADABLE);
      assertThat(noId.problem()).contains("no CADF id");
      ArchiveResult unstamped = archive.store(bytes("{\"id\":\"e-1\",\"eventType\":\"activity\"}"));
      assertThat(unstamped.outcome()).isEqualTo(Outcome.STORED);
      assertThat(
              new JdbcTemplate(dataSource)
                  .queryForObject("SELECT COUNT(*) FROM " + database.quote(table), Long.class))
          .isEqualTo(1);
    } finally {
      dropAll(database, table);
    }
  }

  @Test
  void aTableNameThatIsNotAnIdentifierIsRefusedNamingTheRule() {
    TestDatabase database = TestDatabase.postgres();
    try (HikariDataSource dataSource = database.dataSource()) {
      assertThatThrownBy(
              () -> new AuditArchive(dataSource, "archive; drop", VerificationKeys.none(), true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("table name archive; drop is not valid")
          .hasMessageContaining("lower-case SQL identifier");
    }
  }
}
