package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.boot.health.TamperedAcknowledgements;
import io.auditrelay.core.Auditor;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/** The {@code audit} health contributor. */
@AutoConfiguration(after = AuditAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Auditor.class)
@ConditionalOnEnabledHealthIndicator("audit")
@org.springframework.boot.context.properties.EnableConfigurationProperties(AuditProperties.class)
public final class AuditHealthAutoConfiguration {

  @Bean(name = "auditHealthIndicator")
  @ConditionalOnMissingBean(name = "auditHealthIndicator")
  AuditHealthIndicator auditHealthIndicator(
      Auditor auditor,
      AuditProperties properties,
      ObjectProvider<TamperedAcknowledgements> acknowledgements) {
    AuditProperties.Health health = properties.getHealth();
    String status = health.getThresholdStatus().trim().toUpperCase(java.util.Locale.ROOT);
    if (!status.equals("DOWN") && !status.equals("OUT_OF_SERVICE")) {
      throw new AuditConfigurationException(
          "audit.health.threshold-status (env AUDIT_HEALTH_THRESHOLD_STATUS) must be DOWN or"
              + " OUT_OF_SERVICE, not '"
              + health.getThresholdStatus()
              + "'");
    }
    return new AuditHealthIndicator(
        auditor,
        Clock.systemUTC(),
        new AuditHealthIndicator.Thresholds(
            health.getMaxOldestAge(), health.getMaxBacklogEvents(), new Status(status)),
        acknowledgements.getIfAvailable(TamperedAcknowledgements::new));
  }
}
