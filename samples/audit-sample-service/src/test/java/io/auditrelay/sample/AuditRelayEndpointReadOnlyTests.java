package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.RealServers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * Exposed without {@code management.endpoint.auditrelay.access=unrestricted}, the endpoint reads
 * but refuses to requeue or delete: write operations are something an operator turns on.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=auditrelay",
      "audit.backing-store={\"type\":\"sql\",\"params\":{\"url\":\""
          + AuditRelayEndpointReadOnlyTests.DATABASE
          + "\",\"username\":\"sa\",\"password\":\"h2-endpoint-pw\",\"table_name\":\"ops_audit\"}}"
    })
class AuditRelayEndpointReadOnlyTests {

  static final String DATABASE = "jdbc:h2:mem:endpoint-read-only;DB_CLOSE_DELAY=-1";

  private static final AmqpBroker BROKER = RealServers.rabbitmq();

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    registry.add("audit.rabbitmq.url", BROKER::uri);
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void readsButRefusesToRequeueOrDeleteByDefault() throws Exception {
    AuditRelayEndpointTests.quarantine(
        DATABASE, 7, AuditRelayEndpointTests.event(UUID.randomUUID().toString()));
    RestClient http =
        RestClient.builder()
            .baseUrl("http://localhost:" + port + "/actuator/auditrelay")
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
            .build();

    assertThat(http.get().retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(200);
    assertThat(
            http.post()
                .uri("/7")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{}")
                .retrieve()
                .toBodilessEntity()
                .getStatusCode()
                .is4xxClientError())
        .isTrue();
    assertThat(
            http.delete()
                .uri("/7?reason=x")
                .retrieve()
                .toBodilessEntity()
                .getStatusCode()
                .is4xxClientError())
        .isTrue();
    assertThat(http.get().uri("/7").retrieve().body(String.class)).contains("\"key\":7");
  }
}
