package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** The sample against the real broker (RabbitMQ when reachable): HTTP in, CADF events out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleServiceIntegrationTests {

  private static final AmqpBroker BROKER = RealServers.rabbitmq();
  private static final String QUEUE = "audit-sample-it-" + UUID.randomUUID();
  private static final QueueReader READER = new QueueReader(BROKER, QUEUE);

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    RealServers.report(SampleServiceIntegrationTests.class.getSimpleName(), BROKER.describe());
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
    return RestClient.create("http://localhost:" + port);
  }

  @Test
  void recordsACreateAndADeleteEventForEveryChange() {
    ResponseEntity<Map> created =
        http()
            .post()
            .uri("/projects?token=secret")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("name", "demo"))
            .retrieve()
            .toEntity(Map.class);
    String id = (String) created.getBody().get("id");
    ResponseEntity<Void> deleted =
        http().delete().uri("/projects/{id}", id).retrieve().toBodilessEntity();

    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    List<CadfEvent> events =
        READER.awaitAtLeast(2, Duration.ofSeconds(30)).stream()
            .map(d -> CadfJson.read(d.body()))
            .toList();
    assertThat(events).extracting(CadfEvent::action).containsExactly("create", "delete");
    CadfEvent create = events.get(0);
    assertThat(create.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(create.target().id()).isEqualTo(id);
    assertThat(create.target().name()).isEqualTo("demo");
    assertThat(create.reason().reasonCode()).isEqualTo("201");
    assertThat(create.requestPath()).isEqualTo("/projects");
    assertThat(create.initiator().host().address()).isEqualTo("127.0.0.1");
    assertThat(create.observer().name()).isEqualTo("audit-sample-service");
    assertThat(events.get(1).reason().reasonCode()).isEqualTo("204");
  }

  @Test
  void exposesTheAuditHealthAndMetricsOverHttp() {
    String health = http().get().uri("/actuator/health").retrieve().body(String.class);
    String metric =
        http().get().uri("/actuator/metrics/audit.events.lost").retrieve().body(String.class);

    assertThat(health)
        .contains("\"audit\"")
        .contains("\"store\":\"memory\"")
        .contains("\"status\":\"UP\"");
    assertThat(health).doesNotContain("guest:guest");
    assertThat(metric).contains("audit.events.lost");
  }

  @Test
  void answersNotFoundForAnUnknownProject() {
    var status =
        http()
            .delete()
            .uri("/projects/nope")
            .exchange((request, response) -> response.getStatusCode());

    assertThat(status).isEqualTo(HttpStatus.NOT_FOUND);
  }
}
