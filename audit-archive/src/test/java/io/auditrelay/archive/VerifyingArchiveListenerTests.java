package io.auditrelay.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.jdbc.TestDatabase;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.LogCapture;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.SignedTrail;
import io.auditrelay.verify.TrailReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The listener in a real Spring AMQP container on a real queue: a producer's trail is archived once
 * through database failures (each message delivered again until it is stored), a duplicate is
 * dropped, a conflicting event goes to the dead-letter queue, and the archive verifies.
 */
class VerifyingArchiveListenerTests {

  private final AmqpBroker broker = RealServers.rabbitmq();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double count(String outcome) {
    return registry.get("audit.archive.events").tag("outcome", outcome).counter().count();
  }

  @Test
  void aTrailIsArchivedOnceThroughDatabaseFailuresAndConflictsAreDeadLettered() throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    TestDatabase database = TestDatabase.postgres().report(getClass().getSimpleName());
    String table = TestDatabase.uniqueTable("archive");
    String queue = "audit-archive-" + UUID.randomUUID();
    String deadLetters = queue + "-dead";
    AtomicInteger failures = new AtomicInteger();
    CachingConnectionFactory connections =
        new CachingConnectionFactory(broker.host(), broker.port());
    connections.setUsername(broker.username());
    connections.setPassword(broker.password());
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
    try (HikariDataSource real = database.dataSource();
        QueueReader dead = new QueueReader(broker, deadLetters).declare();
        QueueReader main =
            new QueueReader(broker, queue)
                .declare(
                    Map.of(
                        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", deadLetters));
        LogCapture logs = new LogCapture()) {
      DelegatingDataSource flaky =
          new DelegatingDataSource(real) {
            @Override
            public Connection getConnection() throws SQLException {
              if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new SQLException("connection refused (injected)", "08001");
              }
              return super.getConnection();
            }
          };
      AuditArchive archive =
          new AuditArchive(
              flaky, table, VerificationKeys.of(List.of(AuditArchiveTests.KEY.publicKey())), true);
      failures.set(5); // the first five stores fail: their messages come back
      container.setQueueNames(queue);
      container.setConcurrentConsumers(2);
      container.setMessageListener(new VerifyingArchiveListener(archive, registry));
      container.start();

      // the events, start and end, a checkpoint after every 4
      int trail = SignedTrail.publish(broker, queue, AuditArchiveTests.KEY, 21, 4);
      JdbcTemplate jdbc = new JdbcTemplate(real);
      String quoted = database.quote(table);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM " + quoted, Long.class) == trail);
      assertThat(failures.get()).isZero();

      // The same event again, and one that takes an archived event's id with other bytes.
      String body =
          jdbc.queryForObject("SELECT body FROM " + quoted + " WHERE seq = 3", String.class);
      String conflict = body.replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"");
      RabbitTemplate template = new RabbitTemplate(connections);
      for (String again : List.of(body, conflict)) {
        template.send(
            "",
            queue,
            MessageBuilder.withBody(again.getBytes(StandardCharsets.UTF_8))
                .setMessageId(UUID.randomUUID().toString())
                .build());
      }
      List<QueueReader.Delivered> deadLettered = dead.awaitAtLeast(1, Duration.ofSeconds(30));
      assertThat(deadLettered)
          .singleElement()
          .satisfies(
              d -> assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(conflict));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count("duplicate") == 1);

      assertThat(count("stored")).isEqualTo(trail);
      assertThat(count("conflict")).isEqualTo(1);
      assertThat(count("suspect")).isZero();
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + quoted, Long.class))
          .isEqualTo(trail);
      TrailReport report = archive.verify();
      assertThat(report.verified()).as(report.describe()).isTrue();
      assertThat(logs.text())
          .contains("not archived: another event with id")
          .doesNotContain("adm-00"); // ids and problems only, never bodies
      main.delete();
      dead.delete();
    } finally {
      container.stop();
      connections.destroy();
      database.dropTable(table);
      database.dropTable(table + "_schema_history");
    }
  }
}
