package io.auditrelay.store;

/**
 * The backing store configuration is wrong. The message names where the configuration came from
 * (property or environment variable), what is wrong and what is accepted; it never contains a
 * secret.
 */
public class BackingStoreConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public BackingStoreConfigException(String message) {
    super(message);
  }

  public BackingStoreConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
