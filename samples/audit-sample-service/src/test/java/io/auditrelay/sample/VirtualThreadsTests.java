package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.VirtualThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * The sample with {@code spring.threads.virtual.enabled=true}: Tomcat serves every request on a
 * virtual thread, and the controllers record from there. Runs on Java 21 and later.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.threads.virtual.enabled=true")
@Import(VirtualThreadsTests.ThreadProbe.class)
class VirtualThreadsTests {

  private static final AmqpBroker BROKER = RealServers.rabbitmq();
  private static final String QUEUE = "audit-sample-vt-" + UUID.randomUUID();
  private static final QueueReader READER = new QueueReader(BROKER, QUEUE);

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    RealServers.report(VirtualThreadsTests.class.getSimpleName(), BROKER.describe());
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

  @Test
  void requestsServedOnVirtualThreadsRecordEveryEventDurably() {
    RestClient http = RestClient.create("http://localhost:" + port);
    assertThat(http.get().uri("/test/virtual").retrieve().body(Boolean.class)).isTrue();

    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<CompletableFuture<String>> created = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        String name = "vt-" + i;
        created.add(
            CompletableFuture.supplyAsync(
                () ->
                    (String)
                        http.post()
                            .uri("/projects")
                            .contentType(MediaType.APPLICATION_JSON)
                            .body(Map.of("name", name))
                            .retrieve()
                            .body(Map.class)
                            .get("id"),
                clients));
      }
      List<String> ids = created.stream().map(CompletableFuture::join).toList();

      List<String> targets =
          READER.awaitAtLeast(100, Duration.ofSeconds(60)).stream()
              .map(d -> CadfJson.read(d.body()))
              .filter(e -> "create".equals(e.action()))
              .map(CadfEvent::target)
              .map(t -> t.id())
              .toList();
      assertThat(targets).containsExactlyInAnyOrderElementsOf(ids);
    } finally {
      clients.shutdownNow();
    }
  }

  /** Tells whether requests reach controllers on virtual threads. */
  @TestConfiguration(proxyBeanMethods = false)
  @RestController
  static class ThreadProbe {

    @GetMapping("/test/virtual")
    boolean virtual() {
      return VirtualThreads.isVirtual(Thread.currentThread());
    }
  }
}
