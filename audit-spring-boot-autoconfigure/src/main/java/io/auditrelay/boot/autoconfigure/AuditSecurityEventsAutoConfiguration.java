package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.Auditor;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Forwards login success and failure ({@link AuditApplicationEvent}) as CADF {@code
 * authenticate/login} events when {@code audit.security.forward-authentication-events=true}.
 */
@AutoConfiguration(after = AuditAutoConfiguration.class)
@ConditionalOnClass(AuditApplicationEvent.class)
@ConditionalOnBean(Auditor.class)
@ConditionalOnBooleanProperty("audit.security.forward-authentication-events")
public final class AuditSecurityEventsAutoConfiguration {

  @Bean
  AuthenticationEventForwarder auditAuthenticationEventForwarder(Auditor auditor) {
    return new AuthenticationEventForwarder(auditor);
  }
}
