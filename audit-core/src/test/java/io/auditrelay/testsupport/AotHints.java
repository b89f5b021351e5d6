package io.auditrelay.testsupport;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The runtime hints of every registrar listed in a {@code META-INF/spring/aot.factories} of the
 * class path, as Spring's AOT processing gathers them: a registrar that is not listed is missed
 * here too.
 */
public final class AotHints {

  private AotHints() {}

  public static RuntimeHints registered() {
    RuntimeHints hints = new RuntimeHints();
    ClassLoader classLoader = AotHints.class.getClassLoader();
    SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories", classLoader)
        .load(RuntimeHintsRegistrar.class)
        .forEach(registrar -> registrar.registerHints(hints, classLoader));
    return hints;
  }
}
