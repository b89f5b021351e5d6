package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

import io.auditrelay.testsupport.AotHints;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;

/**
 * The file store type in the native-image hints (audit-core's registrar finds it by ServiceLoader).
 */
class FileStoreRuntimeHintsTests {

  @Test
  void theFileStoreTypeCanBeFoundByServiceLoader() throws Exception {
    RuntimeHints hints = AotHints.registered();

    assertThat(resource().forResource("META-INF/services/io.auditrelay.store.BackingStoreFactory"))
        .accepts(hints);
    assertThat(reflection().onConstructorInvocation(FileBackingStoreFactory.class.getConstructor()))
        .accepts(hints);
  }
}
