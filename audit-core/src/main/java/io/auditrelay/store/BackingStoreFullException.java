package io.auditrelay.store;

/**
 * An append would exceed the store's capacity. None of the batch was appended. The condition clears
 * by itself as soon as delivered events are acknowledged.
 */
public class BackingStoreFullException extends BackingStoreException {

  private static final long serialVersionUID = 1L;

  public BackingStoreFullException(String message) {
    super(message);
  }
}
