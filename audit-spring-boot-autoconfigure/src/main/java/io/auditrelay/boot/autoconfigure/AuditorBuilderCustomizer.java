package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.AuditorBuilder;

/**
 * Adjusts the {@link AuditorBuilder} before the auto-configured Auditor is built. Declare a bean of
 * this type to set what no property covers (a custom {@link java.time.Clock}, for example). Applied
 * after the properties, in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface AuditorBuilderCustomizer {

  /** Customizes the builder. */
  void customize(AuditorBuilder builder);
}
