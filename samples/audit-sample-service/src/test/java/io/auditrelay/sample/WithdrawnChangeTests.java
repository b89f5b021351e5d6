package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.RestClient;

/**
 * The compliance pattern of the sample when the event cannot be made durable: the broker is down
 * and the store is full, so the change is undone (503) and its event withdrawn; once the broker is
 * back, that event is never published. Fails on the code before: the request answered 503, and its
 * event was published later as a successful create.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "audit.drain.max-backoff=500ms",
      "audit.backing-store={\"type\":\"memory\",\"params\":{\"max_events\":1}}",
      "sample.audit-timeout=500ms"
    })
class WithdrawnChangeTests {

  @Value("${local.server.port}")
  int port;

  private RestClient http() {
    return RestClient.create("http://localhost:" + port);
  }

  private int create(String name) {
    return http()
        .post()
        .uri("/projects")
        .body(Map.of("name", name))
        .exchange((request, response) -> response.getStatusCode().value());
  }

  private String received() {
    return http().get().uri("/audit/received").retrieve().body(String.class);
  }

  @Test
  void aChangeThatCouldNotBeAuditedInTimeIsUndoneAndItsEventNeverPublished() {
    http().post().uri("/sample/broker/stop").retrieve().toBodilessEntity();
    try {
      assertThat(create("stored-during-outage")).isEqualTo(201); // the store's one place
      assertThat(create("undone-during-outage")).isEqualTo(503);
    } finally {
      http().post().uri("/sample/broker/start").retrieve().toBodilessEntity();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> create("after-outage") == 201);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> received().contains("after-outage") && received().contains("stored-during"));
    assertThat(received()).doesNotContain("undone-during-outage");
  }
}
