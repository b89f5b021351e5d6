package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the {@code sql} store type: the Flyway scripts under {@code
 * db/audit/{vendor}}, its {@link java.util.ServiceLoader} entry and the public constructor {@code
 * ServiceLoader} calls. Listed in {@code META-INF/spring/aot.factories}.
 */
final class SqlStoreRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("db/audit/*/*.sql");
    hints.resources().registerPattern("META-INF/services/" + BackingStoreFactory.class.getName());
    hints
        .reflection()
        .registerType(JdbcBackingStoreFactory.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
  }
}
