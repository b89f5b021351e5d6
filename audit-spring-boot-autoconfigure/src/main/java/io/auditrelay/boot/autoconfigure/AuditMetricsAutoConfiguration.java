package io.auditrelay.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** Binds the Auditor's {@code audit.*} meters to the application's {@link MeterRegistry}. */
@AutoConfiguration(
    before = AuditAutoConfiguration.class,
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditMetricsAutoConfiguration {

  @Bean
  AuditorBuilderCustomizer auditMeterRegistryCustomizer(MeterRegistry meterRegistry) {
    return builder -> builder.meterRegistry(meterRegistry);
  }
}
