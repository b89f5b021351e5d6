package io.auditrelay.store.jdbc;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the {@code sql} store type: the Flyway scripts under {@code
 * db/audit/{vendor}} (its factory is covered with every store type's by {@code audit-core}). Listed
 * in {@code META-INF/spring/aot.factories}.
 */
final class SqlStoreRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("db/audit/*/*.sql");
  }
}
