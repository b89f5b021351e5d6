package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.LogCapture;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TestEvents;
import io.auditrelay.testsupport.TestPki;
import io.auditrelay.testsupport.TlsBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The own broker connection as a Boot application configures it: strict URLs, SSL bundles (mutual
 * TLS included), address lists and Boot's {@link RabbitConnectionDetails}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditRabbitConnectionTests {

  private static final AutoConfigurations AUDIT =
      AutoConfigurations.of(
          SslAutoConfiguration.class,
          AuditAutoConfiguration.class,
          AuditMemoryStoreAutoConfiguration.class,
          AuditRabbitAutoConfiguration.class,
          AuditHealthAutoConfiguration.class);

  @TempDir static Path directory;
  private TestPki ca;
  private TlsBroker mutual;
  private final AmqpBroker broker = RealServers.rabbitmq();

  @BeforeAll
  void startBroker() {
    ca = TestPki.create(directory.resolve("pki"), "boot-ca");
    mutual =
        TlsBroker.start("audit-boot-tls", directory.resolve("mutual"), ca.server("broker"), ca);
    RealServers.report(getClass().getSimpleName(), mutual.describe());
  }

  @AfterAll
  void stopBroker() {
    if (mutual != null) {
      mutual.close();
    }
  }

  private ApplicationContextRunner runner(String queue) {
    return new ApplicationContextRunner()
        .withConfiguration(AUDIT)
        .withPropertyValues(
            "audit.rabbitmq.queue-name=" + queue,
            "audit.drain.initial-backoff=50ms",
            "audit.drain.max-backoff=500ms",
            "audit.shutdown.timeout=2s");
  }

  /**
   * Fails on the code before strict parsing: the Auditor started and connected to localhost:5672 as
   * guest, and the password appeared in the log ("vhost retPW@127.0.0.1:1 not found").
   */
  @ParameterizedTest
  @ValueSource(strings = {"S3c/retPW", "S3c@retPW", "S3c#retPW", "S3c retPW"})
  void failsStartupOnAnUnencodedPasswordNamingThePropertyAndTheFix(String password) {
    try (LogCapture logs = new LogCapture()) {
      runner("audit-never")
          .withPropertyValues("audit.rabbitmq.url=amqp://user:" + password + "@127.0.0.1:1")
          .run(
              context -> {
                assertThat(context).hasFailed();
                Throwable failure = context.getStartupFailure();
                String messages = "";
                while (failure != null) {
                  messages += failure.getMessage() + "\n";
                  failure = failure.getCause();
                }
                assertThat(messages)
                    .contains("audit.rabbitmq.url", "percent-encode", "%2F")
                    .doesNotContain("retPW");
                String analysis =
                    new AuditConfigurationFailureAnalyzer()
                        .analyze(context.getStartupFailure())
                        .getDescription();
                assertThat(analysis).contains("percent-encode").doesNotContain("retPW");
              });
      assertThat(logs.text()).doesNotContain("retPW");
    }
  }

  @Test
  void deliversOverMutualTlsWithAnSslBundle() {
    TestPki.Issued client = ca.client(TlsBroker.EXTERNAL_USER);
    String queue = "audit-boot-tls-" + UUID.randomUUID();
    try (QueueReader reader = new QueueReader(mutual.plain(), queue)) {
      List<String> properties =
          new java.util.ArrayList<>(
              List.of(
                  "spring.ssl.bundle.pem.audit.truststore.certificate=file:" + ca.caPem(),
                  "spring.ssl.bundle.pem.audit.keystore.certificate=file:"
                      + client.certificatePem(),
                  "spring.ssl.bundle.pem.audit.keystore.private-key=file:" + client.keyPem(),
                  "audit.rabbitmq.url=amqps://127.0.0.1:" + mutual.port(),
                  "audit.rabbitmq.ssl.bundle=audit"));
      if (TlsBroker.rabbitMq()) {
        properties.add("audit.rabbitmq.sasl-mechanism=external");
      }
      runner(queue)
          .withPropertyValues(properties.toArray(String[]::new))
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                context.getBean(Auditor.class).record(event()).join();
                assertThat(reader.awaitAtLeast(1, Duration.ofSeconds(30))).hasSize(1);
              });
      reader.delete();
    }
  }

  @Test
  void storesTheEventsAndReportsTheBrokerDownWhenTheServerIsNotTrusted() {
    // amqps:// with no bundle: the JVM's trust store, which does not hold the test's CA.
    String queue = "audit-boot-untrusted-" + UUID.randomUUID();
    try (LogCapture logs = new LogCapture()) {
      runner(queue)
          .withPropertyValues(
              "audit.rabbitmq.url=amqps://guest:Untrusted-S3cret@127.0.0.1:" + mutual.port())
          .run(
              context -> {
                Auditor auditor = context.getBean(Auditor.class);
                auditor.record(event()).join();
                await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> logs.text().contains("PKIX path building failed"));
                Health health = context.getBean(AuditHealthIndicator.class).health(true);
                assertThat(health.getDetails())
                    .containsEntry("brokerConnected", false)
                    .containsEntry("backlogEvents", 1L);
              });
      assertThat(logs.text()).doesNotContain("Untrusted-S3cret");
    }
  }

  @Test
  void namesAnSslBundleThatIsNotDefined() {
    runner("audit-never")
        .withPropertyValues(
            "audit.rabbitmq.url=amqps://127.0.0.1:5671", "audit.rabbitmq.ssl.bundle=missing")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("audit.rabbitmq.ssl.bundle names 'missing'")
                    .hasMessageContaining("spring.ssl.bundle.pem.missing"));
  }

  @Test
  void refusesAUrlBesideAddresses() {
    runner("audit-never")
        .withPropertyValues(
            "audit.rabbitmq.url=amqp://127.0.0.1", "audit.rabbitmq.addresses=a:5672,b:5672")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("audit.rabbitmq.url")
                    .hasMessageContaining("leave out audit.rabbitmq.addresses"));
  }

  @Test
  void takesAnAddressListWithADeadNodeFirst() {
    String queue = "audit-boot-addresses-" + UUID.randomUUID();
    try (QueueReader reader = new QueueReader(broker, queue)) {
      runner(queue)
          .withPropertyValues(
              "audit.rabbitmq.addresses=127.0.0.1:"
                  + io.auditrelay.testsupport.TcpProxy.freePort()
                  + ","
                  + broker.host()
                  + ":"
                  + broker.port(),
              "audit.rabbitmq.username=" + broker.username(),
              "audit.rabbitmq.password=" + broker.password())
          .run(
              context -> {
                context.getBean(Auditor.class).record(event()).join();
                assertThat(reader.awaitAtLeast(1, Duration.ofSeconds(30))).hasSize(1);
              });
      reader.delete();
    }
  }

  @Test
  void completesTheOwnConnectionFromBootsConnectionDetails() {
    String queue = "audit-boot-details-" + UUID.randomUUID();
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    ConnectionFactory application =
        (ConnectionFactory)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ConnectionFactory.class},
                (proxy, method, arguments) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("equals")
                        ? proxy == arguments[0]
                        : method.getName().equals("hashCode") ? 0 : "application";
                  }
                  calls.add(method.getName());
                  throw new UnsupportedOperationException(method.getName());
                });
    RabbitConnectionDetails details =
        new RabbitConnectionDetails() {
          @Override
          public List<Address> getAddresses() {
            return List.of(new Address(broker.host(), broker.port()));
          }

          @Override
          public String getUsername() {
            return broker.username();
          }

          @Override
          public String getPassword() {
            return broker.password();
          }
        };
    try (QueueReader reader = new QueueReader(broker, queue)) {
      runner(queue)
          .withBean(RabbitConnectionDetails.class, () -> details)
          .withBean(ConnectionFactory.class, () -> application)
          // one own setting: the rest (addresses, user, password) is Boot's
          .withPropertyValues("audit.rabbitmq.virtual-host=/")
          .run(
              context -> {
                context.getBean(Auditor.class).record(event()).join();
                assertThat(reader.awaitAtLeast(1, Duration.ofSeconds(30))).hasSize(1);
              });
      reader.delete();
    }
    assertThat(calls).as("the own connection, not the application's").isEmpty();
  }

  private static CadfEvent event() {
    return TestEvents.event("boot", 1);
  }
}
