package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.actuate.AuditRelayEndpoint;
import io.auditrelay.boot.health.TamperedAcknowledgements;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import java.time.Clock;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code auditrelay} Actuator endpoint ({@link AuditRelayEndpoint}); Actuator's exposure and
 * access rules decide who reaches it. Its write operations are off unless {@code
 * management.endpoint.auditrelay.access=unrestricted}.
 */
@AutoConfiguration(
    after = AuditAutoConfiguration.class,
    before = AuditHealthAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({Auditor.class, BackingStore.class})
public final class AuditEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  TamperedAcknowledgements auditTamperedAcknowledgements() {
    return new TamperedAcknowledgements();
  }

  @Bean
  @ConditionalOnMissingBean
  AuditRelayEndpoint auditRelayEndpoint(
      Auditor auditor, BackingStore store, TamperedAcknowledgements acknowledgements) {
    return new AuditRelayEndpoint(auditor, store, acknowledgements, Clock.systemUTC());
  }
}
