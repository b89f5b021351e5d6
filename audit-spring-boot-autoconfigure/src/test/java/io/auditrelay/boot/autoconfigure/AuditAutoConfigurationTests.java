package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.boot.security.CadfAuditEventRepository;
import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreFactory;
import io.auditrelay.store.StoreParams;
import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.LogCapture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.ConnectException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration without a broker, as Boot's own auto-configuration tests run: the
 * application's {@link ConnectionFactory} is a mock of a broker that is never there, so the Auditor
 * starts and buffers. What needs a real broker is in {@link
 * AuditAutoConfigurationIntegrationTests}.
 */
class AuditAutoConfigurationTests {

  /** Every auto-configuration of the module, as an application has them. */
  static final AutoConfigurations ALL = AuditTestConfigurations.ALL;

  private static final String QUEUE = "audit-boot-unit";

  /** Spring Boot's Actuator audit auto-configuration: its listeners need a repository. */
  private static final Class<?> BOOT_AUDIT =
      org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration.class;

  private final ApplicationContextRunner contextRunner =
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withBean(ConnectionFactory.class, AuditAutoConfigurationTests::unreachableBroker)
          .withPropertyValues("audit.rabbitmq.queue-name=" + QUEUE, "audit.shutdown.timeout=1s");

  /** {@code runner} with Boot's DataSource on an H2 database in memory of its own. */
  static ApplicationContextRunner withH2(ApplicationContextRunner runner) {
    return runner
        .withConfiguration(
            AutoConfigurations.of(
                org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:audit-boot-" + UUID.randomUUID());
  }

  /** A connection factory whose broker is never there. */
  static ConnectionFactory unreachableBroker() {
    ConnectionFactory factory = mock(ConnectionFactory.class);
    when(factory.createConnection())
        .thenThrow(new AmqpConnectException(new ConnectException("no broker in this test")));
    return factory;
  }

  static CadfEvent event() {
    return CadfEvent.builder()
        .action(Actions.CREATE)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of("t-1", ResourceTypes.DATA))
        .build();
  }

  @Test
  void givesANoOpAuditorWhenDisabled() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("audit.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(Auditor.class).doesNotHaveBean(BackingStore.class);
              assertThat(context.getBean(Auditor.class)).isSameAs(Auditor.noop());
              assertThat(context.getBean(Auditor.class).record(event())).isCompleted();
            });
  }

  @Test
  void backsOffForTheApplicationsOwnAuditor() {
    Auditor own = Auditor.noop();
    contextRunner
        .withBean(Auditor.class, () -> own)
        .run(context -> assertThat(context.getBean(Auditor.class)).isSameAs(own));
  }

  @Test
  void usesTheApplicationsOwnBackingStore() {
    MemoryBackingStore own = new MemoryBackingStore(3, Clock.systemUTC());
    contextRunner
        .withBean(BackingStore.class, () -> own)
        .run(
            context -> {
              assertThat(context.getBean(BackingStore.class)).isSameAs(own);
              assertThat(context.getBean(Auditor.class).state().orElseThrow().storeType())
                  .isEqualTo("memory");
            });
  }

  @Test
  void addsAStoreTypeFromTheApplicationsFactoryBeanUsingItsOwnService() {
    contextRunner
        .withUserConfiguration(TenantStoreConfiguration.class)
        .withPropertyValues(
            "audit.backing-store={\"type\":\"tenant-db\",\"params\":{\"capacity\":4}}")
        .run(
            context -> {
              BackingStore store = context.getBean(BackingStore.class);
              assertThat(store.type()).isEqualTo("memory");
              assertThat(context.getBean(TenantDatabase.class).storesOpened).containsExactly(4);
            });
  }

  /**
   * Without any broker connection the message names the Boot module to add or configure, for Boot
   * 4.1 ({@code spring-boot-amqp}) and for a classpath without it (Boot 4.2 moves it to {@code
   * spring-boot-rabbitmq}). Before, it named only {@code spring-boot-starter-amqp}, which Boot 4.2
   * gives to AMQP 1.0; and with no {@code audit.rabbitmq} setting at all the Auditor did not ask
   * for a connection but built one of its own to the defaults (an unset SASL mechanism counted as a
   * setting), ignoring the application's.
   */
  @Test
  void withoutAnyBrokerConnectionTheMessageNamesTheRightBootModule() {
    ApplicationContextRunner noBroker =
        new ApplicationContextRunner()
            .withConfiguration(ALL)
            .withPropertyValues("audit.rabbitmq.queue-name=" + QUEUE);
    noBroker.run(
        context ->
            assertThat(context)
                .getFailure()
                .rootCause()
                .hasMessageContaining("No RabbitMQ connection for Audit Relay")
                .hasMessageContaining("spring-boot-amqp is on the classpath, but made no"));
    noBroker
        .withClassLoader(
            new org.springframework.boot.test.context.FilteredClassLoader(
                "org.springframework.boot.amqp.autoconfigure"))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("spring-boot-starter-amqp up to Boot 4.1")
                    .hasMessageContaining("spring-boot-starter-rabbitmq from Boot 4.2"));
  }

  @Test
  void failsStartupOnMalformedStoreJsonNamingTheVariable() {
    contextRunner
        .withPropertyValues("audit.backing-store={\"type\":\"file\",")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageStartingWith(
                        "audit.backing-store (set in \"audit.backing-store\" from property source \"test\"): not valid JSON"));
  }

  @Test
  void failsStartupOnAnUnknownTypeListingTheKnownOnes() {
    contextRunner
        .withPropertyValues("audit.backing-store={\"type\":\"redis\"}")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "unknown store type 'redis'; known types: file, memory, sql"));
  }

  @Test
  void backsOffTheFileStoreTypeWithoutItsModule() {
    contextRunner
        .withClassLoader(
            new FilteredClassLoader(io.auditrelay.store.file.FileBackingStoreFactory.class))
        .withPropertyValues(
            "audit.backing-store={\"type\":\"file\",\"params\":{\"directory\":\"/tmp/x\"}}")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "needs the dependency io.auditrelay:audit-backing-store-file"));
  }

  @Test
  void failsStartupWhenTransactionalDeliveryHasAStoreThatCannotJoinTransactions() {
    contextRunner
        .withPropertyValues("audit.delivery-mode=transactional")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(AuditConfigurationException.class)
                    .hasMessageContaining(
                        "audit.delivery-mode (set in \"audit.delivery-mode\" from property source \"test\") is TRANSACTIONAL")
                    .hasMessageContaining("the memory store cannot"));
  }

  @Test
  void namesTheScriptsWhenSqlMigrationsAreOffAndTheTablesAreMissing() {
    withH2(contextRunner)
        .withPropertyValues("audit.backing-store={\"type\":\"sql\"}", "audit.sql.migrate=false")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("missing or incomplete")
                    .hasStackTraceContaining("audit.sql.migrate=false")
                    .hasStackTraceContaining("db/audit/h2/V*.sql"));
  }

  @Test
  void backsOffTheSqlStoreTypeWithoutItsModule() {
    contextRunner
        .withClassLoader(
            new FilteredClassLoader(io.auditrelay.store.jdbc.JdbcBackingStoreFactory.class))
        .withPropertyValues("audit.backing-store={\"type\":\"sql\"}")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "needs the dependency io.auditrelay:audit-backing-store-jdbc"));
  }

  @Test
  void failsStartupOnAnUnknownParamOrANegativeSize() {
    contextRunner
        .withPropertyValues(
            "audit.backing-store={\"type\":\"memory\",\"params\":{\"max_evnts\":5}}")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("unknown param 'max_evnts'"));
    contextRunner
        .withPropertyValues(
            "audit.backing-store={\"type\":\"memory\",\"params\":{\"max_events\":-5}}")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("must be a positive integer, not -5"));
    contextRunner
        .withPropertyValues("audit.overflow.queue-capacity=-1")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "audit.overflow.queue-capacity (set in \"audit.overflow.queue-capacity\" from property source \"test\") must be positive"));
  }

  @Test
  void failsStartupWithoutAQueueNameSayingWhatToSet() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("audit.rabbitmq.url=amqp://127.0.0.1:1")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "audit.rabbitmq.queue-name (env AUDIT_RABBITMQ_QUEUE_NAME) is required")
                    .hasMessageContaining("audit.enabled=false"));
  }

  @Test
  void neverShowsASecretInAStartupFailureOrTheLog() {
    String secret = "pw-" + UUID.randomUUID();
    try (LogCapture logs = new LogCapture()) {
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withPropertyValues(
              "audit.rabbitmq.url=amqp://guest:" + secret + "@127.0.0.1:1",
              "audit.rabbitmq.queue-name=" + QUEUE,
              "audit.backing-store={\"type\":\"sql\",\"params\":{\"password\":\""
                  + secret
                  + "\",\"url\":\"jdbc:postgresql://u:"
                  + secret
                  + "@db/x\"}}")
          .run(
              context -> {
                assertThat(context).hasFailed();
                Throwable failure = context.getStartupFailure();
                while (failure != null) {
                  assertThat(String.valueOf(failure.getMessage())).doesNotContain(secret);
                  failure = failure.getCause();
                }
              });
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withPropertyValues(
              "audit.rabbitmq.url=amqp://guest:" + secret + "@127.0.0.1:1",
              "audit.rabbitmq.queue-name=" + QUEUE,
              "audit.shutdown.timeout=100ms")
          .run(context -> context.getBean(Auditor.class).record(event()).join());
      assertThat(logs.text()).doesNotContain(secret);
    }
  }

  @Test
  void bindsMetersToTheApplicationsRegistry() {
    contextRunner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              context.getBean(Auditor.class).record(event()).join();
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.get("audit.events.recorded").counter().count()).isEqualTo(1);
              assertThat(registry.get("audit.events.lost").counter().count()).isZero();
              assertThat(registry.get("audit.store.bytes").gauge().getId().getBaseUnit())
                  .isEqualTo("bytes");
            });
  }

  @Test
  void backsOffWithoutTheOptionalClasses() {
    contextRunner
        .withClassLoader(
            new FilteredClassLoader(
                HealthIndicator.class,
                MeterRegistry.class,
                AuditApplicationEvent.class,
                org.springframework.boot.actuate.audit.AuditEventRepository.class,
                HttpServletRequest.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(Auditor.class);
              assertThat(context).doesNotHaveBean(AuditHealthIndicator.class);
              assertThat(context).doesNotHaveBean(CadfAuditEventRepository.class);
              assertThat(context).doesNotHaveBean(AuditRequestEvents.class);
            });
  }

  @Test
  void reportsHealthWithTheBacklogDetails() {
    contextRunner.run(
        context -> {
          Health health = context.getBean(AuditHealthIndicator.class).health(true);
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails())
              .containsEntry("mode", "buffer-on-failure")
              .containsEntry("store", "memory")
              .containsEntry("backlogEvents", 0L)
              .containsKeys(
                  "backlogBytes", "oldestAgeSeconds", "quarantinedEvents", "brokerConnected");
          assertThat(health.getDetails().toString()).doesNotContain("guest:guest");
        });
  }

  @Test
  void aBacklogBeyondTheConfiguredThresholdTakesTheHealthOutOfService() {
    contextRunner
        .withPropertyValues(
            "audit.health.max-backlog-events=0", "audit.health.threshold-status=out_of_service")
        .run(
            context -> {
              HealthIndicator indicator = context.getBean(AuditHealthIndicator.class);
              assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);

              // The broker is never there: the event waits in the memory store.
              context
                  .getBean(Auditor.class)
                  .record(
                      CadfEvent.builder()
                          .action(Actions.CREATE)
                          .outcome(Outcome.SUCCESS)
                          .initiator(
                              Resource.builder("u", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                                  .build())
                          .target(Resource.builder("t", "data/security/project").build())
                          .build())
                  .join();

              Health health = indicator.health(true);
              assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
              assertThat(health.getDetails())
                  .containsEntry("thresholdExceeded", "1 events buffered, more than 0");
            });
  }

  /** Fails on the code before, which said nothing at startup. */
  @Test
  void saysAtStartupThatAuditingIsOnAndHow() {
    try (LogCapture logs = new LogCapture()) {
      contextRunner
          .withPropertyValues("spring.application.name=billing")
          .run(
              context -> {
                assertThat(context).hasSingleBean(Auditor.class);
                assertThat(logs.lines())
                    .filteredOn(l -> l.startsWith("INFO") && l.contains("Audit Relay is on"))
                    .singleElement()
                    .asString()
                    .contains("mode buffer-on-failure", "store memory", "queue '" + QUEUE + "'")
                    .contains("Spring Boot's connection", "observer billing");
                assertThat(logs.text()).doesNotContain("observed itself");
              });
    }
  }

  /** Fails on the code before, where the observer silently became {"id":"target"}. */
  @Test
  void warnsWhenNothingNamesTheService() {
    try (LogCapture logs = new LogCapture()) {
      contextRunner.run(
          context ->
              assertThat(logs.lines())
                  .anyMatch(
                      l ->
                          l.startsWith("WARN")
                              && l.contains("Neither spring.application.name nor")
                              && l.contains("{\"id\":\"target\"}")));
    }
  }

  @Test
  void aThresholdStatusOtherThanDownOrOutOfServiceFailsStartupNamingIt() {
    contextRunner
        .withPropertyValues("audit.health.threshold-status=WARN")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("audit.health.threshold-status")
                    .hasMessageContaining("DOWN or OUT_OF_SERVICE, not 'WARN'"));
  }

  @Test
  void recordsSpringSecuritysEventsThroughBootsListenersByDefault() {
    List<CadfEvent> recorded = new CopyOnWriteArrayList<>();
    Auditor capturing =
        new Auditor() {
          @Override
          public io.auditrelay.core.AuditFuture record(CadfEvent event) {
            recorded.add(event);
            return io.auditrelay.core.AuditFuture.durable("e");
          }

          @Override
          public void close() {}
        };
    contextRunner
        .withConfiguration(AutoConfigurations.of(BOOT_AUDIT))
        .withBean(Auditor.class, () -> capturing)
        .run(
            context -> {
              // Boot's own audit listeners are on because our repository exists.
              assertThat(context).hasSingleBean(CadfAuditEventRepository.class);
              context.publishEvent(
                  new AuditApplicationEvent(
                      new AuditEvent("alice", "AUTHENTICATION_SUCCESS", Map.of())));
              context.publishEvent(
                  new AuditApplicationEvent(
                      new AuditEvent(
                          "mallory",
                          "AUTHENTICATION_FAILURE",
                          Map.of(
                              "type",
                              "org.springframework.security.authentication"
                                  + ".BadCredentialsException"))));
              context.publishEvent(
                  new AuditApplicationEvent(
                      new AuditEvent("bob", "AUTHORIZATION_FAILURE", Map.of())));
              context.publishEvent(
                  new AuditApplicationEvent(new AuditEvent("carol", "SOMETHING_ELSE", Map.of())));
              // The auditevents endpoint still sees them.
              assertThat(context.getBean(CadfAuditEventRepository.class).find(null, null, null))
                  .hasSize(4);
            });

    assertThat(recorded).hasSize(3);
    assertThat(recorded.get(0).action()).isEqualTo("authenticate/login");
    assertThat(recorded.get(0).outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(recorded.get(0).initiator().id()).isEqualTo("alice");
    assertThat(recorded.get(1).outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(recorded.get(1).reason().reasonCode()).isEqualTo("BadCredentialsException");
    assertThat(recorded.get(2).outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(recorded.get(2).reason().reasonCode()).isEqualTo("403");
    assertThat(recorded.get(2).initiator().id()).isEqualTo("bob");
  }

  @Test
  void anApplicationsOwnAuditEventRepositoryOrTheSwitchTurnsItOff() {
    contextRunner
        .withBean(
            org.springframework.boot.actuate.audit.AuditEventRepository.class,
            org.springframework.boot.actuate.audit.InMemoryAuditEventRepository::new)
        .run(context -> assertThat(context).doesNotHaveBean(CadfAuditEventRepository.class));
    contextRunner
        .withPropertyValues("audit.security.events=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(CadfAuditEventRepository.class);
              assertThat(context)
                  .doesNotHaveBean(
                      org.springframework.security.authorization.AuthorizationEventPublisher.class);
            });
  }

  @Test
  void providesTheRequestHelperInServletApplications() {
    new WebApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues(
            "audit.rabbitmq.url=amqp://127.0.0.1:1",
            "audit.rabbitmq.queue-name=" + QUEUE,
            "audit.web.trusted-proxies=10.0.0.0/8")
        .run(context -> assertThat(context).hasSingleBean(AuditRequestEvents.class));
  }

  /** An application service a store type is built on, as a team without volumes would do. */
  static final class TenantDatabase {
    final List<Integer> storesOpened = new CopyOnWriteArrayList<>();

    BackingStore open(int capacity) {
      storesOpened.add(capacity);
      return new MemoryBackingStore(capacity, Clock.systemUTC());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TenantStoreConfiguration {
    @Bean
    TenantDatabase tenantDatabase() {
      return new TenantDatabase();
    }

    @Bean
    BackingStoreFactory tenantStoreFactory(TenantDatabase database) {
      return new BackingStoreFactory() {
        @Override
        public String type() {
          return "tenant-db";
        }

        @Override
        public Set<String> parameters() {
          return Set.of("capacity");
        }

        @Override
        public BackingStore create(StoreParams params) {
          return database.open(params.positiveInt("capacity", 10));
        }
      };
    }
  }
}
