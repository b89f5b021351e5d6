package io.auditrelay.store.memory;

import io.auditrelay.store.BackingStoreFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the {@code memory} store type: its {@link java.util.ServiceLoader} entry
 * and the public constructor {@code ServiceLoader} calls. Listed in {@code
 * META-INF/spring/aot.factories}.
 */
final class MemoryStoreRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("META-INF/services/" + BackingStoreFactory.class.getName());
    hints
        .reflection()
        .registerType(MemoryBackingStoreFactory.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
  }
}
