package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** The native-image hints this module lists in {@code META-INF/spring/aot.factories}. */
class FileStoreRuntimeHintsTests {

  @Test
  void theFileStoreTypeCanBeFoundByServiceLoader() throws Exception {
    RuntimeHints hints = new RuntimeHints();
    SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
        .load(RuntimeHintsRegistrar.class)
        .forEach(registrar -> registrar.registerHints(hints, getClass().getClassLoader()));

    assertThat(resource().forResource("META-INF/services/io.auditrelay.store.BackingStoreFactory"))
        .accepts(hints);
    assertThat(reflection().onConstructorInvocation(FileBackingStoreFactory.class.getConstructor()))
        .accepts(hints);
  }
}
