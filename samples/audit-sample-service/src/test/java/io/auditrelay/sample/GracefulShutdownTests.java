package io.auditrelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.Auditor;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * An event recorded by a request that is still running when the application is asked to stop is not
 * lost: the Auditor stops after the web server's graceful shutdown.
 */
class GracefulShutdownTests {

  static final CountDownLatch inside = new CountDownLatch(1);
  static final CountDownLatch proceed = new CountDownLatch(1);

  @RestController
  static class SlowController {
    private final Auditor auditor;
    private final AuditRequestEvents events;

    SlowController(Auditor auditor, AuditRequestEvents events) {
      this.auditor = auditor;
      this.events = events;
    }

    @PostMapping("/slow")
    String slow() throws Exception {
      inside.countDown();
      proceed.await(30, TimeUnit.SECONDS); // held open while the context starts to close
      auditor.record(events.event(Resource.of("slow-1", "data"), 201)).get(10, TimeUnit.SECONDS);
      return "ok";
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(SlowController.class)
  static class SlowApplication {}

  @Test
  void anEventRecordedByARequestInFlightAtShutdownIsDelivered() throws Exception {
    AmqpBroker broker = RealServers.rabbitmq();
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-shutdown-" + UUID.randomUUID();
    ConfigurableApplicationContext context =
        new SpringApplication(SlowApplication.class)
            .run(
                "--server.port=0",
                "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=30s",
                "--audit.rabbitmq.url=" + broker.uri(),
                "--audit.rabbitmq.queue-name=" + queue,
                "--sample.embedded-broker.enabled=false");
    int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    try (QueueReader reader = new QueueReader(broker, queue)) {
      CompletableFuture<String> response =
          CompletableFuture.supplyAsync(
              () ->
                  RestClient.create("http://localhost:" + port)
                      .post()
                      .uri("/slow")
                      .retrieve()
                      .body(String.class));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
      proceed.countDown();

      assertThat(response.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
      closing.get(60, TimeUnit.SECONDS);
      var delivered = reader.awaitAtLeast(1, Duration.ofSeconds(30));
      assertThat(CadfJson.read(delivered.get(0).body()).target().id()).isEqualTo("slow-1");
      reader.delete();
    }
  }
}
