package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.core.Auditor;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code audit} health contributor. */
@AutoConfiguration(after = AuditAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Auditor.class)
@ConditionalOnEnabledHealthIndicator("audit")
public final class AuditHealthAutoConfiguration {

  @Bean(name = "auditHealthIndicator")
  @ConditionalOnMissingBean(name = "auditHealthIndicator")
  AuditHealthIndicator auditHealthIndicator(Auditor auditor) {
    return new AuditHealthIndicator(auditor, Clock.systemUTC());
  }
}
