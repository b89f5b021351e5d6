package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import io.auditrelay.testsupport.AotHints;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;

/** The native-image hints this module lists in {@code META-INF/spring/aot.factories}. */
class RuntimeHintsTests {

  private final RuntimeHints hints = AotHints.registered();

  @Test
  void everyTypeOfTheCadfModelCanBeReadAndWrittenByReflection() {
    Set<Class<?>> model = new LinkedHashSet<>();
    collect(CadfEvent.class, model);
    assertThat(model)
        .contains(Resource.class, Host.class, Credential.class, Reason.class, Outcome.class)
        .hasSizeGreaterThanOrEqualTo(12);
    for (Class<?> type : model) {
      assertThat(reflection().onType(type)).as(type.getName()).accepts(hints);
      if (type.isRecord()) {
        Class<?>[] parameters =
            java.util.Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        assertThat(reflection().onConstructorInvocation(constructor(type, parameters)))
            .as("canonical constructor of %s", type.getName())
            .accepts(hints);
        for (RecordComponent component : type.getRecordComponents()) {
          assertThat(reflection().onMethodInvocation(component.getAccessor()))
              .as("%s.%s()", type.getSimpleName(), component.getName())
              .accepts(hints);
        }
      }
    }
  }

  @Test
  void theMemoryStoreTypeCanBeFoundByServiceLoader() {
    assertThat(resource().forResource("META-INF/services/io.auditrelay.store.BackingStoreFactory"))
        .accepts(hints);
    assertThat(reflection().onConstructorInvocation(constructor(MemoryBackingStoreFactory.class)))
        .accepts(hints);
  }

  private static java.lang.reflect.Constructor<?> constructor(Class<?> type, Class<?>... params) {
    try {
      return type.getDeclaredConstructor(params);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  /** The model's own types reachable from {@code type}: records, enums and their components. */
  private static void collect(Type type, Set<Class<?>> seen) {
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        collect(argument, seen);
      }
      return;
    }
    if (!(type instanceof Class<?> clazz)
        || !clazz.getPackageName().equals(CadfEvent.class.getPackageName())
        || !seen.add(clazz)) {
      return;
    }
    if (clazz.isRecord()) {
      for (RecordComponent component : clazz.getRecordComponents()) {
        collect(component.getGenericType(), seen);
      }
    }
  }
}
