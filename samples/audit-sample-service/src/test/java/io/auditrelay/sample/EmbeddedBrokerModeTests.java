package io.auditrelay.sample;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.RestClient;

/**
 * The sample as the README runs it: no broker configured, so it starts its own and consumes its own
 * queue. Also the documented outage drill: stop the broker, watch the backlog, start it, drain.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "audit.drain.max-backoff=500ms")
class EmbeddedBrokerModeTests {

  @Value("${local.server.port}")
  int port;

  private RestClient http() {
    return RestClient.create("http://localhost:" + port);
  }

  /** The health document, whatever its status: Boot's own rabbit indicator is DOWN in an outage. */
  private String health() {
    return http()
        .get()
        .uri("/actuator/health")
        .exchange(
            (request, response) ->
                new String(
                    response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private Map<?, ?> create(String name) {
    return http().post().uri("/projects").body(Map.of("name", name)).retrieve().body(Map.class);
  }

  @Test
  void receivesItsOwnEventsBackAndDrainsABacklogAfterAnOutage() {
    String id = (String) create("first").get("id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> http().get().uri("/audit/received").retrieve().body(String.class).contains(id));

    http().post().uri("/sample/broker/stop").retrieve().toBodilessEntity();
    String during = (String) create("during-outage").get("id");
    await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("\"backlogEvents\":1"));

    http().post().uri("/sample/broker/start").retrieve().toBodilessEntity();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                http().get().uri("/audit/received").retrieve().body(String.class).contains(during));
    await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("\"backlogEvents\":0"));
  }
}
