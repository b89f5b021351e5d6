package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.web.AuditRequestFilter;
import io.auditrelay.boot.web.AuditRequestWebFilter;
import io.auditrelay.boot.web.RequestAuditMap;
import io.auditrelay.core.Auditor;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Request auditing with no code ({@code audit.web.requests.enabled=true}): the {@link
 * AuditRequestFilter} in Spring MVC applications, the {@link AuditRequestWebFilter} in WebFlux
 * ones, both driven by the path map of {@code audit.web.requests.*}.
 */
@AutoConfiguration(
    after = AuditAutoConfiguration.class,
    afterName = "io.auditrelay.test.autoconfigure.RecordingAuditorAutoConfiguration")
@ConditionalOnProperty(prefix = "audit.web.requests", name = "enabled", havingValue = "true")
@ConditionalOnBean(Auditor.class)
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditRequestsAutoConfiguration {

  /** The path map of the properties; a wrong entry fails startup naming it. */
  static RequestAuditMap map(AuditProperties.Requests requests) {
    List<RequestAuditMap.Route> routes =
        requests.getPaths().stream()
            .map(
                r ->
                    new RequestAuditMap.Route(
                        r.getPattern(), r.getTargetType(), r.getTargetId(), r.getActions()))
            .toList();
    try {
      return new RequestAuditMap(
          routes,
          requests.getMethods(),
          requests.getExclude(),
          requests.getUnmapped() == AuditProperties.Requests.Unmapped.AUDIT,
          requests.getUnmappedTargetType());
    } catch (IllegalArgumentException e) {
      throw new AuditConfigurationException(e.getMessage(), e);
    }
  }

  static @Nullable Duration strictTimeout(AuditProperties.Requests requests) {
    if (!requests.isStrict()) {
      return null;
    }
    if (requests.getStrictTimeout().isNegative() || requests.getStrictTimeout().isZero()) {
      throw new AuditConfigurationException(
          "audit.web.requests.strict-timeout must be positive, not "
              + requests.getStrictTimeout()
              + "; set it to how long a strict response may wait for its audit record (5s)");
    }
    return requests.getStrictTimeout();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({
    jakarta.servlet.Filter.class,
    org.springframework.web.servlet.HandlerMapping.class
  })
  static final class Servlet {

    @Bean
    @ConditionalOnMissingBean
    AuditRequestFilter auditRequestFilter(Auditor auditor, AuditProperties properties) {
      AuditProperties.Requests requests = properties.getWeb().getRequests();
      return new AuditRequestFilter(
          auditor, map(requests), properties.getWeb().getTrustedProxies(), strictTimeout(requests));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass({
    org.springframework.web.server.WebFilter.class,
    org.springframework.web.reactive.HandlerMapping.class
  })
  static final class Reactive {

    @Bean
    @ConditionalOnMissingBean
    AuditRequestWebFilter auditRequestWebFilter(Auditor auditor, AuditProperties properties) {
      AuditProperties.Requests requests = properties.getWeb().getRequests();
      return new AuditRequestWebFilter(
          auditor, map(requests), properties.getWeb().getTrustedProxies(), strictTimeout(requests));
    }
  }
}
