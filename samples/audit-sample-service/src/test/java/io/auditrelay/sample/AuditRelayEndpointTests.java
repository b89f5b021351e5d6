package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * An operator fixes a quarantine over HTTP: {@code /actuator/auditrelay} lists it, requeues one
 * event (it is delivered), deletes another, and each operation arrives in the trail as a CADF event
 * of its own. Fails on the code before: there was no endpoint, and the SQL store's quarantine could
 * be fixed only with hand-written SQL.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=health,auditrelay",
      "management.endpoint.auditrelay.access=unrestricted",
      "audit.backing-store={\"type\":\"sql\",\"params\":{\"url\":\""
          + AuditRelayEndpointTests.DATABASE
          + "\",\"username\":\"sa\",\"password\":\"h2-endpoint-pw\",\"table_name\":\"ops_audit\"}}"
    })
class AuditRelayEndpointTests {

  static final String DATABASE = "jdbc:h2:mem:endpoint;DB_CLOSE_DELAY=-1";

  private static final AmqpBroker BROKER = RealServers.rabbitmq();
  private static final String QUEUE = "audit-endpoint-" + UUID.randomUUID();
  private static final QueueReader READER = new QueueReader(BROKER, QUEUE);

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    RealServers.report(AuditRelayEndpointTests.class.getSimpleName(), BROKER.describe());
    registry.add("audit.rabbitmq.url", BROKER::uri);
    registry.add("audit.rabbitmq.queue-name", () -> QUEUE);
  }

  @AfterAll
  static void cleanUp() {
    READER.delete();
    READER.close();
  }

  @Value("${local.server.port}")
  int port;

  private RestClient http() {
    return RestClient.builder()
        .baseUrl("http://localhost:" + port + "/actuator/auditrelay")
        .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
        .build();
  }

  static CadfEvent event(String id) {
    return CadfEvent.builder()
        .id(id)
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiator(Resource.of("alice", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER))
        .target(Resource.of("project-" + id, ResourceTypes.DATA_SECURITY_PROJECT))
        .observer(Resource.of("audit-sample-service", ResourceTypes.SERVICE))
        .eventTime(java.time.Clock.systemUTC())
        .build();
  }

  /** What the drain leaves in the quarantine table of the SQL store, written directly. */
  static void quarantine(String database, long key, CadfEvent event) throws Exception {
    byte[] payload = CadfJson.write(event);
    try (Connection connection = DriverManager.getConnection(database, "sa", "h2-endpoint-pw");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO \"ops_audit_quarantine\" (seq, event_id, payload, payload_bytes,"
                    + " appended_at, attempts, reason, quarantined_at) VALUES (?, ?, ?, ?, ?, 5,"
                    + " 'broker rejected it 5 times (returned)', ?)")) {
      insert.setLong(1, key);
      insert.setString(2, event.id());
      insert.setString(3, new String(payload, StandardCharsets.UTF_8));
      insert.setInt(4, payload.length);
      insert.setLong(5, System.currentTimeMillis());
      insert.setLong(6, System.currentTimeMillis());
      insert.executeUpdate();
    }
  }

  private static List<CadfEvent> delivered(int count) {
    return READER.awaitAtLeast(count, Duration.ofSeconds(30)).stream()
        .map(d -> CadfJson.read(d.body()))
        .peek(CadfValidator::validate)
        .toList();
  }

  @Test
  @SuppressWarnings("unchecked")
  void listsRequeuesAndDeletesQuarantinedEventsAndRecordsEveryOperation() throws Exception {
    String kept = UUID.randomUUID().toString();
    String dropped = UUID.randomUUID().toString();
    quarantine(DATABASE, 900_001, event(kept));
    quarantine(DATABASE, 900_002, event(dropped));

    Map<String, Object> state = http().get().retrieve().body(Map.class);
    Map<String, Object> quarantine = (Map<String, Object>) state.get("quarantine");
    assertThat((List<Map<String, Object>>) quarantine.get("entries"))
        .extracting(e -> e.get("id"))
        .containsExactly(kept, dropped);
    assertThat(state.toString())
        .doesNotContain("h2-endpoint-pw")
        .doesNotContain(BROKER.password() + "@");
    Map<String, Object> one = http().get().uri("/900002").retrieve().body(Map.class);
    assertThat((String) one.get("payload")).contains(dropped);

    Map<String, Object> requeued =
        http()
            .post()
            .uri("/900001")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{}")
            .retrieve()
            .body(Map.class);
    assertThat(requeued).containsEntry("requeued", true).containsKey("auditEventId");
    Map<String, Object> deleted =
        http()
            .delete()
            .uri("/900002?reason=duplicate of a delivered event")
            .retrieve()
            .body(Map.class);
    assertThat(deleted).containsEntry("deleted", true).containsKey("auditEventId");

    List<CadfEvent> events = delivered(3);
    assertThat(events).extracting(CadfEvent::id).contains(kept).doesNotContain(dropped);
    CadfEvent requeue =
        events.stream()
            .filter(e -> e.id().equals(requeued.get("auditEventId")))
            .findFirst()
            .orElseThrow();
    assertThat(requeue.action()).isEqualTo("update/requeue");
    assertThat(requeue.target().id()).isEqualTo(kept);
    assertThat(requeue.outcome()).isEqualTo(Outcome.SUCCESS);
    CadfEvent delete =
        events.stream()
            .filter(e -> e.id().equals(deleted.get("auditEventId")))
            .findFirst()
            .orElseThrow();
    assertThat(delete.action()).isEqualTo("delete");
    assertThat(delete.target().id()).isEqualTo(dropped);
    assertThat(delete.attachments())
        .anySatisfy(a -> assertThat(a.content()).isEqualTo("duplicate of a delivered event"));

    Map<String, Object> after = http().get().retrieve().body(Map.class);
    // The rows were written behind the store's back: its count is an estimate, the list is exact.
    assertThat((Map<String, Object>) after.get("quarantine"))
        .containsEntry("events", 0)
        .containsEntry("entries", List.of());
    assertThat(
            http()
                .post()
                .uri("/900002")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{}")
                .retrieve()
                .body(Map.class))
        .containsEntry("requeued", false);
  }
}
