package io.auditrelay.boot.autoconfigure;

import io.auditrelay.boot.web.AuditRequestEvents;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.context.request.RequestContextHolder;

/** The {@link AuditRequestEvents} helper in servlet web applications. */
@AutoConfiguration(after = AuditAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HttpServletRequest.class, RequestContextHolder.class})
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditWebAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  AuditRequestEvents auditRequestEvents(AuditProperties properties) {
    return new AuditRequestEvents(properties.getWeb().getTrustedProxies());
  }
}
