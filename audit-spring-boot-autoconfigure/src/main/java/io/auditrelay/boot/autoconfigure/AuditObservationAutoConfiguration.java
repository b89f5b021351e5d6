package io.auditrelay.boot.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Gives the Auditor the application's {@link ObservationRegistry}: the observations {@code
 * audit.record} and {@code audit.publish}, and, with Micrometer Tracing, the trace context of each
 * {@code record()} kept with the event and sent as message headers. {@code
 * management.observations.enable.audit=false} turns them off like any observation.
 */
@AutoConfiguration(
    before = AuditAutoConfiguration.class,
    afterName =
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditObservationAutoConfiguration {

  @Bean
  AuditorBuilderCustomizer auditObservationRegistryCustomizer(ObservationRegistry registry) {
    return builder -> builder.observationRegistry(registry);
  }
}
