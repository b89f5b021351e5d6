package io.auditrelay.store;

/**
 * A store operation failed (I/O error, database down). The operation had no effect that the caller
 * may rely on: an append that throws made none of its events durable, and the caller keeps them.
 */
public class BackingStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public BackingStoreException(String message) {
    super(message);
  }

  public BackingStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
