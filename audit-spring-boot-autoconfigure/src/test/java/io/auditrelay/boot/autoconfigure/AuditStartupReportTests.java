package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.Resource;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.memory.MemoryBackingStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** The startup line: everything an operator checks first, and never a secret. */
class AuditStartupReportTests {

  private final BackingStore memory = new MemoryBackingStore(10_000, 64 << 20, Clock.systemUTC());
  private final Resource observer = Resource.builder("petclinic", "service").build();

  private static AuditProperties.Rabbitmq rabbit() {
    AuditProperties.Rabbitmq rabbit = new AuditProperties().getRabbitmq();
    rabbit.setQueueName("audit-events");
    return rabbit;
  }

  @Test
  void namesModeStoreQueueBootsBrokerAndObserver() {
    String line =
        AuditStartupReport.line(
            "buffer-on-failure", memory, rabbit(), List.of("rabbit-1:5672"), observer);

    assertThat(line)
        .isEqualTo(
            "Audit Relay is on: mode buffer-on-failure, store memory"
                + " MemoryBackingStore[max_events=10000, max_bytes=67108864], queue 'audit-events'"
                + " through the default exchange, broker rabbit-1:5672 (Spring Boot's connection,"
                + " spring.rabbitmq.*), observer petclinic");
  }

  @Test
  void namesTheOwnConnectionsHostWithoutUserPasswordOrVirtualHost() {
    AuditProperties.Rabbitmq rabbit = rabbit();
    rabbit.setUrl("amqps://audit:s3cr%2Ft@rabbit.example.com:5671/prod");
    rabbit.setExchange("audit");

    String line = AuditStartupReport.line("write-ahead", memory, rabbit, null, observer);

    assertThat(line)
        .contains("through exchange 'audit'")
        .contains(
            "broker amqps://rabbit.example.com:5671 over TLS (its own connection,"
                + " audit.rabbitmq.*)")
        .doesNotContain("s3cr")
        .doesNotContain("audit:")
        .doesNotContain("/prod");
  }

  @Test
  void namesAStoreOfTheApplicationsOwnByTypeOnly() {
    BackingStore own = Mockito.mock(BackingStore.class);
    Mockito.when(own.type()).thenReturn("redis");
    Mockito.when(own.toString()).thenReturn("Redis[redis://:password@cache]");

    String line =
        AuditStartupReport.line(
            "buffer-on-failure", own, rabbit(), null, Resource.reference("target"));

    assertThat(line)
        .contains("store redis, ")
        .doesNotContain("password")
        .contains("ConnectionFactory")
        .endsWith("observer {\"id\":\"target\"}");
  }
}
