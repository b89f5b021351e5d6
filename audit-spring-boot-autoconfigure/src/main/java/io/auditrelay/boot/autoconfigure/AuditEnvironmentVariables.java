package io.auditrelay.boot.autoconfigure;

import java.util.Locale;

/**
 * The go-bits style environment variables: {@code AUDIT_BACKING_STORE}, {@code
 * AUDIT_RABBITMQ_QUEUE_NAME}, {@code AUDIT_RABBITMQ_VIRTUAL_HOST}, ... Spring Boot binds each to
 * its {@code audit.*} property itself: for a property name it also looks up the variable with dots
 * and dashes turned into underscores, in upper case (its "legacy" form). This class only names the
 * variable in error messages.
 */
final class AuditEnvironmentVariables {

  private AuditEnvironmentVariables() {}

  /** The variable that sets {@code property}, e.g. {@code AUDIT_RABBITMQ_QUEUE_NAME}. */
  static String variable(String property) {
    return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
