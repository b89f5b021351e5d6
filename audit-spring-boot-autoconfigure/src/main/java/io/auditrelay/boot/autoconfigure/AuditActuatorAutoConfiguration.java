package io.auditrelay.boot.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Actuator's {@code env} and {@code configprops} endpoints never show Audit Relay's secrets, even
 * with their values shown ({@link AuditSecretsSanitizingFunction}).
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class AuditActuatorAutoConfiguration {

  @Bean(name = "auditSecretsSanitizingFunction")
  @ConditionalOnMissingBean(name = "auditSecretsSanitizingFunction")
  SanitizingFunction auditSecretsSanitizingFunction() {
    return new AuditSecretsSanitizingFunction();
  }
}
