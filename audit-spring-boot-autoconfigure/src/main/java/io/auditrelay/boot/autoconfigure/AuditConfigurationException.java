package io.auditrelay.boot.autoconfigure;

/**
 * Audit Relay's configuration is invalid. The message names the property and its environment
 * variable, what is wrong and what to write instead; it never contains a secret.
 */
public class AuditConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public AuditConfigurationException(String message) {
    super(message);
  }

  public AuditConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
