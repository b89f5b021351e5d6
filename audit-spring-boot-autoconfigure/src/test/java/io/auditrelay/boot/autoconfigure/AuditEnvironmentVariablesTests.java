package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The variable names that error messages quote. That Spring binds them is tested through a real
 * system environment source in {@code
 * AuditAutoConfigurationTests.readsTheGoBitsEnvironmentVariables}.
 */
class AuditEnvironmentVariablesTests {

  @Test
  void namesTheVariableOfAProperty() {
    assertThat(AuditEnvironmentVariables.variable("audit.rabbitmq.queue-name"))
        .isEqualTo("AUDIT_RABBITMQ_QUEUE_NAME");
    assertThat(AuditEnvironmentVariables.variable("audit.backing-store"))
        .isEqualTo("AUDIT_BACKING_STORE");
  }
}
