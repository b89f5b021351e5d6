package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.RestClient;

/**
 * The sample with {@code AUDIT_BACKING_STORE={"type":"sql"}} and no URL: the store uses the
 * application's DataSource (H2 in memory here, PostgreSQL or MariaDB with SPRING_DATASOURCE_URL),
 * and transactional delivery joins the application's transactions.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "audit.backing-store={\"type\":\"sql\",\"params\":{\"table_name\":\"sample_audit_events\"}}",
      "audit.delivery-mode=transactional"
    })
class SqlStoreModeTests {

  @Value("${local.server.port}")
  int port;

  @Autowired Auditor auditor;

  @Test
  void recordsThroughTheSqlStoreOnTheApplicationsDataSource() {
    RestClient http = RestClient.create("http://localhost:" + port);
    Map<?, ?> created =
        http.post().uri("/projects").body(Map.of("name", "sql")).retrieve().body(Map.class);

    assertThat(auditor.state().orElseThrow().storeType()).isEqualTo("sql");
    assertThat(auditor.state().orElseThrow().mode()).isEqualTo(DeliveryMode.TRANSACTIONAL);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get()
                    .uri("/audit/received")
                    .retrieve()
                    .body(String.class)
                    .contains((String) created.get("id")));
  }
}
