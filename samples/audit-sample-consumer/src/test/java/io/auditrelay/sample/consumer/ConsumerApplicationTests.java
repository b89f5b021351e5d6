package io.auditrelay.sample.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.integrity.SigningKey;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.SignedTrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** The sample consumer on the real broker: a producer's trail archived and proven over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsumerApplicationTests {

  private static final AmqpBroker BROKER = RealServers.rabbitmq();
  private static final String QUEUE = "audit-sample-consumer-" + UUID.randomUUID();
  private static final SigningKey KEY = SigningKey.generate();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    RealServers.report(ConsumerApplicationTests.class.getSimpleName(), BROKER.describe());
    Path keyFile = Files.createTempFile("audit-signing", ".pub.pem");
    Files.writeString(keyFile, KEY.publicKeyPem());
    registry.add("spring.rabbitmq.host", BROKER::host);
    registry.add("spring.rabbitmq.port", BROKER::port);
    registry.add("spring.rabbitmq.username", BROKER::username);
    registry.add("spring.rabbitmq.password", BROKER::password);
    registry.add("archive.queue", () -> QUEUE);
    registry.add("archive.public-keys", keyFile::toString);
    registry.add(
        "spring.datasource.url",
        () ->
            "jdbc:h2:mem:consumer-"
                + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
  }

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcTemplate jdbc;

  @Test
  void archivesAProducersTrailAndProvesIt() {
    try (QueueReader queue = new QueueReader(BROKER, QUEUE).declare()) {
      int trail = SignedTrail.publish(BROKER, QUEUE, KEY, 12, 5);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> jdbc.queryForObject("SELECT COUNT(*) FROM audit_archive", Long.class) == trail);

      Map<?, ?> verification =
          RestClient.create("http://localhost:" + port)
              .get()
              .uri("/archive/verification")
              .retrieve()
              .body(Map.class);
      assertThat(verification.get("verified")).as(String.valueOf(verification)).isEqualTo(true);
      assertThat((String) verification.get("report")).contains("billing@pod-1");
      queue.delete();
    }
  }
}
