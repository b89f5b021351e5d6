package io.auditrelay.boot.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ApplicationContext;

/**
 * What request auditing promises, run against Spring MVC and WebFlux with a real broker: every
 * event is read back from the queue. Fails on the code before, which had no request filter: an
 * application recorded nothing unless each controller called the Auditor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class RequestAuditingContract {

  /** One request: basic authentication as {@code user} (password "secret") unless null. */
  record Request(
      String method,
      String path,
      @Nullable String user,
      String peer,
      @Nullable String forwardedFor) {

    static Request anonymous(String method, String path) {
      return new Request(method, path, null, "203.0.113.5", null);
    }

    static Request as(String user, String method, String path) {
      return new Request(method, path, user, "203.0.113.5", null);
    }
  }

  /** Sends a request to the running application; answers the status. */
  interface Client {
    int send(Request request);
  }

  protected static final String AGENT = "audit-tests/1.0";

  protected final AmqpBroker broker = RealServers.rabbitmq();
  protected final String queue = "audit-requests-" + UUID.randomUUID();
  protected QueueReader reader;

  @BeforeEach
  void openQueue() {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    reader = new QueueReader(broker, queue);
  }

  @AfterEach
  void deleteQueue() {
    reader.delete();
    reader.close();
  }

  /**
   * Starts the application (the {@link AuditedApi} with the auto-configured Auditor and Spring
   * Security, users alice and bob), runs {@code scenario}, and stops it.
   */
  protected abstract void withApplication(
      List<String> properties, BiConsumer<Client, ApplicationContext> scenario);

  private List<String> properties(String url, String... more) {
    List<String> all = new ArrayList<>(List.of(AuditedApi.PROPERTIES));
    all.add("audit.rabbitmq.url=" + url);
    all.add("audit.rabbitmq.queue-name=" + queue);
    all.add("audit.shutdown.timeout=10s");
    all.add("audit.security.events=false");
    all.addAll(List.of(more));
    return all;
  }

  private static CadfEvent read(QueueReader.Delivered delivered) {
    CadfEvent event = CadfJson.read(delivered.body());
    CadfValidator.validate(event);
    return event;
  }

  /** The delivered events by "METHOD path", each valid CADF. */
  private Map<String, CadfEvent> awaitEvents(int count) {
    return reader.awaitAtLeast(count, Duration.ofSeconds(30)).stream()
        .map(RequestAuditingContract::read)
        .collect(
            Collectors.toMap(
                e -> e.requestPath() + " " + e.target().id() + " " + e.action(),
                Function.identity(),
                (a, b) -> {
                  throw new AssertionError("two events for one request: " + a + " and " + b);
                }));
  }

  private static CadfEvent only(Map<String, CadfEvent> events, String path) {
    List<CadfEvent> matching =
        events.values().stream().filter(e -> path.equals(e.requestPath())).toList();
    assertThat(matching).as("events of %s", path).hasSize(1);
    return matching.get(0);
  }

  @Test
  void everyAuditedRequestIsRecordedWithItsTargetActionOutcomeAndInitiator() {
    withApplication(
        properties(broker.uri()),
        (client, context) -> {
          assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/7"))).isEqualTo(200);
          assertThat(client.send(Request.as("alice", "PATCH", "/v1/projects/8"))).isEqualTo(200);
          assertThat(client.send(Request.as("bob", "POST", "/v1/projects"))).isEqualTo(201);
          assertThat(client.send(Request.as("alice", "DELETE", "/v1/projects/9"))).isEqualTo(204);
          assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/missing")))
              .isEqualTo(404);
          assertThat(client.send(Request.as("alice", "POST", "/v1/projects/10/fail")))
              .isEqualTo(500);
          assertThat(client.send(Request.anonymous("POST", "/owners/11/edit"))).isEqualTo(302);
          assertThat(client.send(Request.anonymous("POST", "/misc/ping"))).isEqualTo(200);
          assertThat(client.send(Request.as("alice", "GET", "/v1/users/u12/keys"))).isEqualTo(200);
          // Not audited: a read nobody annotated, and an excluded path.
          assertThat(client.send(Request.as("alice", "GET", "/v1/projects/7"))).isEqualTo(200);
          assertThat(client.send(Request.anonymous("POST", "/internal/refresh"))).isEqualTo(200);
          // Behind a trusted proxy, the client is the first untrusted hop; elsewhere the peer.
          assertThat(
                  client.send(
                      new Request(
                          "PUT", "/v1/projects/13", null, "10.1.2.3", "198.51.100.20, 10.9.9.9")))
              .isEqualTo(200);
          assertThat(
                  client.send(
                      new Request("PUT", "/v1/projects/14", null, "192.0.2.1", "198.51.100.20")))
              .isEqualTo(200);
        });

    Map<String, CadfEvent> events = awaitEvents(11);
    assertThat(events).hasSize(11);

    CadfEvent update = only(events, "/v1/projects/7");
    assertThat(update.target()).isEqualTo(Resource.of("7", "data/security/project"));
    assertThat(update.action()).isEqualTo("update");
    assertThat(update.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(update.reason().reasonCode()).isEqualTo("200");
    assertThat(update.initiator().id()).isEqualTo("alice");
    assertThat(update.initiator().typeURI()).isEqualTo("service/security/account/user");
    assertThat(update.initiator().host().address()).isEqualTo("203.0.113.5");
    assertThat(update.initiator().host().agent()).isEqualTo(AGENT);
    assertThat(update.observer().id()).isEqualTo("audited-api");

    assertThat(only(events, "/v1/projects/8").action()).isEqualTo("update/set-quota");
    CadfEvent created = only(events, "/v1/projects");
    assertThat(created.target()).isEqualTo(Resource.of("42", "data/security/project"));
    assertThat(created.action()).isEqualTo("create");
    assertThat(created.initiator().id()).isEqualTo("bob");
    assertThat(created.reason().reasonCode()).isEqualTo("201");
    CadfEvent deleted = only(events, "/v1/projects/9");
    assertThat(deleted.action()).isEqualTo("delete");
    assertThat(deleted.outcome()).isEqualTo(Outcome.SUCCESS);

    CadfEvent missing = only(events, "/v1/projects/missing");
    assertThat(missing.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(missing.reason().reasonCode()).isEqualTo("404");
    CadfEvent failed = only(events, "/v1/projects/10/fail");
    assertThat(failed.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(failed.reason().reasonCode()).isEqualTo("500");
    assertThat(failed.target()).isEqualTo(Resource.of("/v1/projects/10/fail", "unknown"));

    CadfEvent redirected = only(events, "/owners/11/edit");
    assertThat(redirected.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(redirected.reason().reasonCode()).isEqualTo("302");
    assertThat(redirected.target()).isEqualTo(Resource.of("11", "data/security/account/user"));
    assertThat(redirected.initiator().id()).isEqualTo("anonymous");

    assertThat(only(events, "/misc/ping").target()).isEqualTo(Resource.of("/misc/ping", "unknown"));
    CadfEvent keys = only(events, "/v1/users/u12/keys");
    assertThat(keys.target()).isEqualTo(Resource.of("u12", "data/security/credential"));
    assertThat(keys.action()).isEqualTo("read/list");

    assertThat(only(events, "/v1/projects/13").initiator().host().address())
        .isEqualTo("198.51.100.20");
    assertThat(only(events, "/v1/projects/14").initiator().host().address()).isEqualTo("192.0.2.1");
    assertThat(events.values()).noneMatch(e -> e.requestPath().startsWith("/internal"));
  }

  @Test
  void strictModeAnswersOnlyOnceTheEventIsDurable() {
    withApplication(
        properties(broker.uri(), "audit.web.requests.strict=true"),
        (client, context) -> {
          for (int i = 0; i < 5; i++) {
            assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/s" + i)))
                .isEqualTo(200);
            // Confirmed by the broker before the answer: already in the queue, no waiting.
            assertThat(reader.poll()).hasSize(i + 1);
          }
          // A failure is recorded too, without holding its answer.
          assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/missing")))
              .isEqualTo(404);
        });
    assertThat(awaitEvents(6)).hasSize(6);
  }

  @Test
  void strictModeWithTheBrokerDownAnswers503AndTheEventIsWithdrawnNeverDelivered() {
    TcpProxy proxy = TcpProxy.refusingTo(broker);
    try {
      withApplication(
          properties(
              broker.via(proxy).uri(),
              "audit.web.requests.strict=true",
              "audit.web.requests.strict-timeout=2s",
              "audit.backing-store={\"type\":\"memory\",\"params\":{\"max_events\":1}}"),
          (client, context) -> {
            // The store takes the first; the second finds it full and is withdrawn.
            assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/kept"))).isEqualTo(200);
            assertThat(client.send(Request.as("alice", "PUT", "/v1/projects/withdrawn")))
                .isEqualTo(503);
            assertThat(
                    context
                        .getBean(MeterRegistry.class)
                        .find("audit.events.withdrawn")
                        .counters()
                        .stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .isEqualTo(1.0);
            proxy.restore();
            assertThat(awaitEvents(1)).hasSize(1);
          });
    } finally {
      proxy.close();
    }
    // The application closed: everything it had is delivered, and the withdrawn event is not.
    assertThat(reader.poll().stream().map(RequestAuditingContract::read))
        .extracting(e -> e.target().id())
        .containsExactly("kept");
  }
}
