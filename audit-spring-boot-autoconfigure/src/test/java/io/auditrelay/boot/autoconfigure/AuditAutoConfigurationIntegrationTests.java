package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configured Auditor delivering to a real broker (RabbitMQ, or Qpid on a laptop). */
class AuditAutoConfigurationIntegrationTests {

  private static final AutoConfigurations ALL = AuditAutoConfigurationTests.ALL;

  private final AmqpBroker broker = RealServers.rabbitmq();
  private final String queue = "audit-boot-" + UUID.randomUUID();
  private QueueReader reader;

  private final ApplicationContextRunner contextRunner =
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withPropertyValues(
              "audit.rabbitmq.url=" + broker.uri(),
              "audit.rabbitmq.queue-name=" + queue,
              "audit.shutdown.timeout=5s");

  @BeforeEach
  void report() {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    reader = new QueueReader(broker, queue);
  }

  @AfterEach
  void cleanUp() {
    reader.delete();
    reader.close();
  }

  private static CadfEvent event() {
    return AuditAutoConfigurationTests.event();
  }

  /** Boot's own RabbitMQ auto-configuration on the test broker, and no audit connection. */
  private ApplicationContextRunner withTheApplicationsConnection() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration.class))
        .withConfiguration(ALL)
        .withPropertyValues(
            "spring.rabbitmq.host=" + broker.host(), "spring.rabbitmq.port=" + broker.port());
  }

  /** The context's Auditor records one event, and it arrives in the queue. */
  private void deliversOneEvent(org.springframework.context.ApplicationContext context) {
    context.getBean(Auditor.class).record(event()).join();
    assertThat(reader.awaitAtLeast(1, Duration.ofSeconds(30))).hasSize(1);
  }

  @Test
  void providesAWorkingAuditorWithTheMemoryStoreByDefault() {
    contextRunner.run(
        context -> {
          assertThat(context).hasSingleBean(Auditor.class).hasSingleBean(BackingStore.class);
          assertThat(context.getBean(BackingStore.class).type()).isEqualTo("memory");
          assertThat(context).hasSingleBean(AuditHealthIndicator.class);
          deliversOneEvent(context);
        });
  }

  /** The application's observation registry observes every record and publish. */
  @Test
  void observesRecordAndPublishWithTheApplicationsObservationRegistry() {
    io.micrometer.observation.tck.TestObservationRegistry observations =
        io.micrometer.observation.tck.TestObservationRegistry.create();
    contextRunner
        .withConfiguration(AutoConfigurations.of(AuditObservationAutoConfiguration.class))
        .withBean(io.micrometer.observation.ObservationRegistry.class, () -> observations)
        .run(this::deliversOneEvent);
    io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("audit.record")
        .that()
        .hasBeenStopped();
    io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("audit.publish");
  }

  @Test
  void readsTheGoBitsEnvironmentVariables() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.<String, Object>of(
                                "AUDIT_BACKING_STORE",
                                    "{\"type\":\"memory\",\"params\":{\"max_events\":7}}",
                                "AUDIT_RABBITMQ_HOSTNAME", broker.host(),
                                "AUDIT_RABBITMQ_PORT", Integer.toString(broker.port()),
                                "AUDIT_RABBITMQ_USERNAME", broker.username(),
                                "AUDIT_RABBITMQ_PASSWORD", broker.password(),
                                "AUDIT_RABBITMQ_VIRTUAL_HOST", "/",
                                "AUDIT_RABBITMQ_QUEUE_NAME", queue))))
        .run(
            context -> {
              AuditProperties properties = context.getBean(AuditProperties.class);
              assertThat(properties.getRabbitmq().getQueueName()).isEqualTo(queue);
              assertThat(properties.getRabbitmq().getVirtualHost()).isEqualTo("/");
              deliversOneEvent(context);
              BackingStore store = context.getBean(BackingStore.class);
              store.append(io.auditrelay.store.BackingStoreConformanceTests.events(0, 7));
              assertThat(store.stats().events()).isEqualTo(7);
            });
  }

  @Test
  void buildsTheFileStoreFromTheEnvironmentJson(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path dir = tmp.resolve("audit");
    contextRunner
        .withPropertyValues(
            "audit.backing-store={\"type\":\"file\",\"params\":{\"directory\":\""
                + dir
                + "\",\"fsync\":\"always\"}}")
        .run(
            context -> {
              assertThat(context.getBean(BackingStore.class).type()).isEqualTo("file");
              deliversOneEvent(context);
            });
  }

  @Test
  void buildsTheSqlStoreOnTheApplicationsDataSourceAndJoinsItsTransactions() {
    AuditAutoConfigurationTests.withH2(contextRunner)
        .withPropertyValues(
            "audit.backing-store={\"type\":\"sql\",\"params\":{\"table_name\":\"boot_events\"}}",
            "audit.delivery-mode=transactional")
        .run(
            context -> {
              assertThat(context.getBean(BackingStore.class).type()).isEqualTo("sql");
              javax.sql.DataSource dataSource = context.getBean(javax.sql.DataSource.class);
              var transaction =
                  new org.springframework.transaction.support.TransactionTemplate(
                      new org.springframework.jdbc.datasource.DataSourceTransactionManager(
                          dataSource));
              Auditor auditor = context.getBean(Auditor.class);
              var committed = transaction.execute(status -> auditor.record(event()));
              var rolledBack =
                  transaction.execute(
                      status -> {
                        var future = auditor.record(event());
                        status.setRollbackOnly();
                        return future;
                      });
              committed.get(10, java.util.concurrent.TimeUnit.SECONDS);
              assertThat(rolledBack).isCancelled();
              assertThat(reader.awaitAtLeast(1, Duration.ofSeconds(30))).hasSize(1);
            });
  }

  @Test
  void usesTheApplicationsRabbitConnectionWhenNoAuditConnectionIsSet() {
    withTheApplicationsConnection()
        .withPropertyValues("audit.rabbitmq.queue-name=" + queue)
        .run(
            context -> {
              deliversOneEvent(context);
            });
  }

  /**
   * The application keeps its own confirm settings: the Auditor publishes on a confirm-mode channel
   * of its own, so an application connection without confirms or returns still gets every event
   * confirmed.
   */
  @Test
  void publishesThroughAnApplicationConnectionWithoutConfirmsOrReturns() {
    withTheApplicationsConnection()
        .withPropertyValues(
            "spring.rabbitmq.publisher-confirm-type=none",
            "spring.rabbitmq.publisher-returns=false",
            "audit.rabbitmq.queue-name=" + queue)
        .run(
            context -> {
              var factory =
                  context.getBean(
                      org.springframework.amqp.rabbit.connection.CachingConnectionFactory.class);
              assertThat(factory.isPublisherConfirms()).isFalse();
              assertThat(factory.isPublisherReturns()).isFalse();
              deliversOneEvent(context);
            });
  }

  @Test
  void usesTheConfiguredObserver() {
    contextRunner
        .withPropertyValues(
            "audit.observer.name=projects-api", "audit.observer.type-uri=service/compute")
        .run(
            context -> {
              context.getBean(Auditor.class).record(event()).join();
              CadfEvent delivered =
                  CadfJson.read(reader.awaitAtLeast(1, Duration.ofSeconds(30)).get(0).body());
              assertThat(delivered.observer())
                  .isEqualTo(
                      Resource.builder("projects-api", "service/compute")
                          .name("projects-api")
                          .build());
            });
  }
}
