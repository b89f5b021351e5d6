package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.security.CadfAuditEventRepository;
import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.core.Auditor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationEventPublisher;
import org.springframework.security.authorization.SpringAuthorizationEventPublisher;

/**
 * Spring Security's events as CADF events: a {@link CadfAuditEventRepository} (whose presence
 * switches on Spring Boot's authentication and authorization audit listeners), and, when the
 * application has none, an {@link AuthorizationEventPublisher} so that denied requests are
 * published at all. On by default where Spring Security and Actuator are present; {@code
 * audit.security.events=false} turns it off. An application's own {@link AuditEventRepository}
 * makes this back off.
 */
@AutoConfiguration(
    after = AuditAutoConfiguration.class,
    beforeName = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration")
@ConditionalOnClass({AuditEventRepository.class, AuthorizationEventPublisher.class})
@ConditionalOnBean(Auditor.class)
@ConditionalOnBooleanProperty(name = "audit.security.events", matchIfMissing = true)
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditSecurityEventsAutoConfiguration {

  /** Recent security events kept for the {@code auditevents} endpoint. */
  static final int RECENT_EVENTS = 1000;

  @Bean
  @ConditionalOnMissingBean(AuditEventRepository.class)
  CadfAuditEventRepository auditEventRepository(
      Auditor auditor,
      ObjectProvider<AuditRequestEvents> requestEvents,
      AuditProperties properties) {
    return new CadfAuditEventRepository(
        auditor,
        requestEvents.getIfAvailable(
            () -> new AuditRequestEvents(properties.getWeb().getTrustedProxies())),
        RECENT_EVENTS);
  }

  /** Spring Security publishes denied authorizations only through a publisher bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SpringAuthorizationEventPublisher.class)
  static class AuthorizationEvents {

    @Bean
    @ConditionalOnMissingBean(AuthorizationEventPublisher.class)
    SpringAuthorizationEventPublisher auditAuthorizationEventPublisher(
        ApplicationEventPublisher publisher) {
      return new SpringAuthorizationEventPublisher(publisher);
    }
  }
}
