package io.auditrelay.archive;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the archive: its Flyway scripts under {@code db/audit-archive/{vendor}}.
 * Listed in {@code META-INF/spring/aot.factories}.
 */
final class ArchiveRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("db/audit-archive/*/*.sql");
  }
}
