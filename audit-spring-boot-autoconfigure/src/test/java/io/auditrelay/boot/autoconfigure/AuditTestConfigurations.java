package io.auditrelay.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The library's auto-configurations, for tests in every package. */
public final class AuditTestConfigurations {

  /** Every auto-configuration but the Actuator endpoints' and request auditing. */
  public static final AutoConfigurations ALL =
      AutoConfigurations.of(
          AuditAutoConfiguration.class,
          AuditMemoryStoreAutoConfiguration.class,
          AuditFileStoreAutoConfiguration.class,
          AuditSqlStoreAutoConfiguration.class,
          AuditRabbitAutoConfiguration.class,
          AuditMetricsAutoConfiguration.class,
          AuditHealthAutoConfiguration.class,
          AuditWebAutoConfiguration.class,
          AuditSecurityEventsAutoConfiguration.class);

  private AuditTestConfigurations() {}
}
