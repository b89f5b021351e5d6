package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the {@code file} store type: its {@link java.util.ServiceLoader} entry and
 * the public constructor {@code ServiceLoader} calls. Listed in {@code
 * META-INF/spring/aot.factories}.
 */
final class FileStoreRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("META-INF/services/" + BackingStoreFactory.class.getName());
    hints
        .reflection()
        .registerType(FileBackingStoreFactory.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
  }
}
