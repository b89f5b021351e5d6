package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class AuditEnvironmentPostProcessorTests {

  private final AuditEnvironmentPostProcessor processor = new AuditEnvironmentPostProcessor();

  @Test
  void enablesConfirmsAndReturnsByDefault() {
    MockEnvironment environment = new MockEnvironment();
    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("spring.rabbitmq.publisher-confirm-type"))
        .isEqualTo("correlated");
    assertThat(environment.getProperty("spring.rabbitmq.publisher-returns")).isEqualTo("true");
  }

  @Test
  void neverOverridesTheApplicationsOwnValue() {
    MockEnvironment environment =
        new MockEnvironment().withProperty("spring.rabbitmq.publisher-confirm-type", "simple");
    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("spring.rabbitmq.publisher-confirm-type"))
        .isEqualTo("simple");
  }

  @Test
  void mapsTheGoBitsVariablesToTheirProperties() {
    var source =
        AuditEnvironmentVariables.from(
            java.util.Map.of(
                "AUDIT_BACKING_STORE", "{\"type\":\"memory\"}",
                "AUDIT_RABBITMQ_QUEUE_NAME", "events",
                "AUDIT_RABBITMQ_VIRTUAL_HOST", "/prod",
                "AUDIT_OVERFLOW_QUEUE_CAPACITY", "5",
                "PATH", "/usr/bin"));

    assertThat(source.getSource())
        .containsOnly(
            java.util.Map.entry("audit.backing-store", "{\"type\":\"memory\"}"),
            java.util.Map.entry("audit.rabbitmq.queue-name", "events"),
            java.util.Map.entry("audit.rabbitmq.virtual-host", "/prod"),
            java.util.Map.entry("audit.overflow.queue-capacity", "5"));
  }

  @Test
  void knowsEveryPropertyOfTheGeneratedMetadata() throws Exception {
    var metadata =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(
                getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json"));
    java.util.List<String> documented = new java.util.ArrayList<>();
    metadata.get("properties").forEach(p -> documented.add(p.get("name").asString()));

    assertThat(AuditEnvironmentVariables.PROPERTIES)
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void changesNothingWhenAuditingIsDisabled() {
    MockEnvironment environment = new MockEnvironment().withProperty("audit.enabled", "false");
    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("spring.rabbitmq.publisher-confirm-type")).isNull();
  }
}
