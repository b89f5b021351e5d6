package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.RealServers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * An operator who exposes {@code env} and {@code configprops} with their values shown still sees no
 * Audit Relay secret: neither the broker URI's password nor the store's database password, in any
 * endpoint.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=env,configprops,health",
      "management.endpoint.env.show-values=always",
      "management.endpoint.configprops.show-values=always",
      "management.endpoint.health.show-details=always",
      "audit.backing-store={\"type\":\"sql\",\"params\":{\"url\":\"jdbc:h2:mem:secrets;DB_CLOSE_DELAY=-1\","
          + "\"username\":\"sa\",\"password\":\"h2-s3cret-pw\",\"table_name\":\"secret_audit\"}}"
    })
class ActuatorSecretsTests {

  private static final AmqpBroker BROKER = RealServers.rabbitmq();

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    RealServers.report(ActuatorSecretsTests.class.getSimpleName(), BROKER.describe());
    registry.add("audit.rabbitmq.url", BROKER::uri); // amqp://guest:guest@…
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void actuatorNeverShowsTheBrokerOrDatabasePassword() {
    RestClient http = RestClient.create("http://localhost:" + port);
    String env = http.get().uri("/actuator/env").retrieve().body(String.class);
    String configprops = http.get().uri("/actuator/configprops").retrieve().body(String.class);
    String health = http.get().uri("/actuator/health").retrieve().body(String.class);

    assertThat(env).contains("audit.rabbitmq.url").contains("secret_audit"); // values are shown
    for (String body : new String[] {env, configprops, health}) {
      assertThat(body).doesNotContain("h2-s3cret-pw").doesNotContain(":" + BROKER.password() + "@");
    }
  }
}
