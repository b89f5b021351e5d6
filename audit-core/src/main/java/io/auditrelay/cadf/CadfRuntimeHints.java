package io.auditrelay.cadf;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the CADF model: {@link CadfJson} reads and writes {@link CadfEvent} and
 * every type it holds (records, enums) through Jackson's reflection. Listed in {@code
 * META-INF/spring/aot.factories}; Spring's AOT processing applies it to any application that has
 * this module.
 */
final class CadfRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    // Follows the record components, so Resource, Host, Attachment, … are covered through the
    // event; the model's leaves are named too, for readers who deserialize them on their own.
    new BindingReflectionHintsRegistrar()
        .registerReflectionHints(
            hints.reflection(),
            CadfEvent.class,
            Resource.class,
            Reason.class,
            Attachment.class,
            Measurement.class,
            Reporterstep.class);
  }
}
