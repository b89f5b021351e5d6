package io.auditrelay.store;

import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for every store type that {@link ServiceLoader} finds on the application's
 * class path when it is processed ahead of time (the built-in {@code memory}, {@code file} and
 * {@code sql}, and an application's own): the {@code META-INF/services} entry and the public
 * constructor that {@code ServiceLoader} calls. Listed in {@code META-INF/spring/aot.factories}.
 */
final class StoreFactoryRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.resources().registerPattern("META-INF/services/" + BackingStoreFactory.class.getName());
    // The providers' classes only: none is instantiated while the application is processed.
    ServiceLoader.load(BackingStoreFactory.class, classLoader).stream()
        .map(ServiceLoader.Provider::type)
        .forEach(
            type ->
                hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS));
  }
}
