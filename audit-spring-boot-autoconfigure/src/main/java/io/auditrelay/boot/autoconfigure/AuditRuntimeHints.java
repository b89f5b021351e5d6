package io.auditrelay.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for what Spring Boot loads from this module's {@code
 * META-INF/spring.factories} by reflection: the failure analyzer that turns a bad setting into a
 * startup report. The configuration classes and {@link AuditProperties} are covered by Spring's AOT
 * processing itself.
 */
final class AuditRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints
        .reflection()
        .registerType(
            AuditConfigurationFailureAnalyzer.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
  }
}
