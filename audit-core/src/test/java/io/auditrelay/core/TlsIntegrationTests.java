package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.Deliveries;
import io.auditrelay.testsupport.LogCapture;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TestEvents;
import io.auditrelay.testsupport.TestPki;
import io.auditrelay.testsupport.TlsBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the own connection against brokers whose certificates the test makes: a RabbitMQ node with
 * a TLS listener (Qpid behind a TLS front end on a laptop). A certificate the client cannot verify
 * is a connection failure like any other: events wait in the store, health says not connected, and
 * the log names the reason without a secret.
 *
 * <p>Before verified TLS, {@code amqps://} trusted every certificate and checked no host name:
 * {@link #refusesAServerTheJvmDoesNotTrust}, {@link #refusesACertificateForAnotherHost} and {@link
 * #refusesAnExpiredCertificate} fail on that code (the events were delivered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsIntegrationTests {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The password of the refused connections: it must appear nowhere. */
  private static final String SECRET = "Refused-S3cret";

  @TempDir static Path directory;
  private TestPki ca;
  private TestPki otherCa;
  private TlsBroker good;
  private TlsBroker wrongHost;
  private TlsBroker expired;
  private TlsBroker mutual;

  @BeforeAll
  void startBrokers() {
    ca = TestPki.create(directory.resolve("pki"), "audit-test-ca");
    otherCa = TestPki.create(directory.resolve("pki"), "other-ca");
    good = TlsBroker.start("audit-tls-good", directory.resolve("good"), ca.server("broker"), null);
    wrongHost =
        TlsBroker.start(
            "audit-tls-host",
            directory.resolve("host"),
            ca.serverFor("elsewhere", "rabbit.elsewhere.example"),
            null);
    expired =
        TlsBroker.start(
            "audit-tls-expired", directory.resolve("expired"), ca.expiredServer("old"), null);
    mutual =
        TlsBroker.start("audit-tls-mutual", directory.resolve("mutual"), ca.server("broker"), ca);
    RealServers.report(getClass().getSimpleName(), good.describe());
  }

  @AfterAll
  void stopBrokers() {
    for (TlsBroker broker : new TlsBroker[] {good, wrongHost, expired, mutual}) {
      if (broker != null) {
        broker.close();
      }
    }
  }

  @Test
  void deliversToAServerWithATrustedCertificateForTheHost() throws Exception {
    delivered(good, builder(good.uri("127.0.0.1")).sslContext(TestPki.trusting(ca)));
    delivered(good, builder(good.uri("localhost")).sslContext(TestPki.trusting(ca)));
  }

  @Test
  void refusesAServerTheJvmDoesNotTrust() throws Exception {
    // amqps:// alone: the JVM's trust store, which does not hold the test's CA.
    refused(good, builder(secretUri(good, "127.0.0.1")), "PKIX path building failed");
  }

  @Test
  void refusesAServerOfAnotherCa() throws Exception {
    refused(
        good,
        builder(secretUri(good, "127.0.0.1")).sslContext(TestPki.trusting(otherCa)),
        "PKIX path building failed");
  }

  @Test
  void refusesACertificateForAnotherHost() throws Exception {
    refused(
        wrongHost,
        builder(secretUri(wrongHost, "127.0.0.1")).sslContext(TestPki.trusting(ca)),
        "No subject alternative names matching IP address 127.0.0.1");
    refused(
        wrongHost,
        builder(secretUri(wrongHost, "localhost")).sslContext(TestPki.trusting(ca)),
        "No subject alternative DNS name matching localhost");
  }

  @Test
  void acceptsAnotherHostOnlyWhenHostNameVerificationIsOff() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      delivered(
          wrongHost,
          builder(wrongHost.uri("127.0.0.1"))
              .sslContext(TestPki.trusting(ca))
              .verifyHostname(false));
      assertThat(logs.text()).contains("host name verification of the audit connection is off");
    }
  }

  @Test
  void refusesAnExpiredCertificate() throws Exception {
    refused(
        expired,
        builder(secretUri(expired, "127.0.0.1")).sslContext(TestPki.trusting(ca)),
        "validity check failed");
  }

  @Test
  void deliversWithAClientCertificateWhereTheServerRequiresOne() throws Exception {
    SSLContext withKey = TestPki.clientContext(ca, ca.client(TlsBroker.EXTERNAL_USER));
    delivered(mutual, builder(mutual.uri("127.0.0.1")).sslContext(withKey));
  }

  @Test
  void logsInWithTheClientCertificateUnderExternal() throws Exception {
    Assumptions.assumeTrue(TlsBroker.rabbitMq(), "EXTERNAL is tested on RabbitMQ nodes");
    SSLContext withKey = TestPki.clientContext(ca, ca.client(TlsBroker.EXTERNAL_USER));
    delivered(
        mutual,
        builder("amqps://127.0.0.1:" + mutual.port())
            .sslContext(withKey)
            .saslMechanism(SaslMechanism.EXTERNAL));
  }

  @Test
  void refusesAClientCertificateTheServerDoesNotTrust() throws Exception {
    // The server refuses after the client's side of the TLS 1.3 handshake has completed: the
    // client sees the server's alert (certificate_required, unknown_ca) or only a reset, and the
    // AMQP client logs the alert as the connection's error.
    String reason = "certificate_required|unknown_ca|bad_certificate|Connection reset";
    SSLContext wrongKey = TestPki.clientContext(ca, otherCa.client(TlsBroker.EXTERNAL_USER));
    refused(mutual, builder(secretUri(mutual, "127.0.0.1")).sslContext(wrongKey), "", reason);
    refused(
        mutual,
        builder(secretUri(mutual, "127.0.0.1")).sslContext(TestPki.trusting(ca)),
        "",
        reason);
  }

  /** The broker's URI with a password that must not reach any log line. */
  private static String secretUri(TlsBroker broker, String host) {
    return "amqps://guest:" + SECRET + "%2F@" + host + ":" + broker.port();
  }

  private AuditorBuilder builder(String uri) {
    return Auditor.builder()
        .rabbitUri(uri)
        .backingStore(new MemoryBackingStore(10_000, Clock.systemUTC()))
        .meterRegistry(new SimpleMeterRegistry())
        .initialBackoff(Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(500))
        .confirmTimeout(Duration.ofSeconds(5))
        .connectionTimeout(Duration.ofSeconds(5))
        .shutdownTimeout(Duration.ofSeconds(2))
        .shutdownHook(false);
  }

  /** Records 20 events through {@code builder} and asserts each reached the broker's queue. */
  private void delivered(TlsBroker broker, AuditorBuilder builder) throws Exception {
    String queue = "audit-tls-" + UUID.randomUUID();
    try (QueueReader reader = new QueueReader(broker.plain(), queue);
        Auditor auditor = builder.queueName(queue).build()) {
      List<String> keys = new ArrayList<>();
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int n = 0; n < 20; n++) {
        futures.add(auditor.record(TestEvents.event("tls", n)));
        keys.add(TestEvents.key("tls", n));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      Deliveries.of(reader.awaitAtLeast(20, WAIT)).containsAll(keys, "over TLS");
      assertThat(auditor.state().orElseThrow().brokerConnected()).isTrue();
      reader.delete();
    }
  }

  /**
   * Records 20 events through {@code builder} and asserts that none reached the broker, all wait in
   * the store, health says not connected, and the WARN line names {@code reason} without a secret.
   */
  private void refused(TlsBroker broker, AuditorBuilder builder, String reason) throws Exception {
    refused(broker, builder, reason, java.util.regex.Pattern.quote(reason));
  }

  /**
   * As {@link #refused(TlsBroker, AuditorBuilder, String)}, where the WARN line contains {@code
   * warnReason} and some line of the log matches {@code anyLine}.
   */
  private void refused(TlsBroker broker, AuditorBuilder builder, String reason, String anyLine)
      throws Exception {
    String queue = "audit-tls-" + UUID.randomUUID();
    try (LogCapture logs = new LogCapture();
        QueueReader reader = new QueueReader(broker.plain(), queue).declare()) {
      Auditor auditor = builder.queueName(queue).declareQueue(false).build();
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int n = 0; n < 20; n++) {
        futures.add(auditor.record(TestEvents.event("refused", n)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(logs.lines())
                      .anySatisfy(
                          line ->
                              assertThat(line)
                                  .startsWith("WARN")
                                  .contains("RabbitMQ unavailable")
                                  .contains(reason)));
      java.util.regex.Pattern expected = java.util.regex.Pattern.compile(anyLine);
      await()
          .atMost(WAIT)
          .until(() -> logs.lines().stream().anyMatch(line -> expected.matcher(line).find()));
      AuditorState state = auditor.state().orElseThrow();
      assertThat(state.brokerConnected()).isFalse();
      assertThat(state.store().events()).as("events waiting in the store").isEqualTo(20);
      assertThat(reader.poll()).as("nothing reached the broker").isEmpty();
      auditor.close();
      assertThat(logs.text()).doesNotContain(SECRET);
      assertThat(logs.text()).doesNotContain("SECURITY ALERT");
      reader.delete();
    }
  }
}
