package io.auditrelay.store;

import java.util.Set;

/**
 * Builds a {@link BackingStore} of one type from its JSON {@code params}. Found as Spring beans, or
 * through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.auditrelay.store.BackingStoreFactory}) outside Spring. Implementations are
 * stateless and thread-safe.
 */
public interface BackingStoreFactory {

  /** The type name used in {@code {"type":...}}: lower case, unique. */
  String type();

  /** Every parameter name this type accepts; any other name fails the configuration. */
  Set<String> parameters();

  /**
   * Builds and opens a store. Opening recovers what a previous run left (for example a torn file
   * tail) and fails with a clear message rather than falling back to another store.
   *
   * @throws BackingStoreConfigException when a parameter is invalid
   * @throws BackingStoreException when the store cannot be opened
   */
  BackingStore create(StoreParams params);
}
