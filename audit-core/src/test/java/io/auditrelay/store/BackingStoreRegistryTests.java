package io.auditrelay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackingStoreRegistryTests {

  private static final String SOURCE = "AUDIT_BACKING_STORE";

  private final BackingStoreRegistry registry =
      BackingStoreRegistry.of(List.of(new MemoryBackingStoreFactory()));

  @Test
  void buildsTheMemoryStoreFromTheGoBitsShape() {
    try (BackingStore store =
        registry.create(
            StoreConfig.parse("{\"type\":\"memory\",\"params\":{\"max_events\":5}}", SOURCE))) {
      assertThat(store.type()).isEqualTo("memory");
      store.append(BackingStoreConformanceTests.events(0, 5));
      assertThatThrownBy(() -> store.append(BackingStoreConformanceTests.events(5, 1)))
          .isInstanceOf(BackingStoreFullException.class);
    }
  }

  @Test
  void findsTheMemoryFactoryThroughTheServiceLoader() {
    assertThat(BackingStoreRegistry.fromServiceLoader(getClass().getClassLoader()).types())
        .contains("memory");
  }

  @Test
  void listsTheKnownTypesForAnUnknownOne() {
    assertThatThrownBy(() -> registry.create(StoreConfig.parse("{\"type\":\"memroy\"}", SOURCE)))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessage("AUDIT_BACKING_STORE: unknown store type 'memroy'; known types: memory");
  }

  @Test
  void namesTheArtifactOfAStoreTypeWhoseModuleIsMissing() {
    assertThatThrownBy(
            () ->
                registry.create(
                    StoreConfig.parse(
                        "{\"type\":\"sql\",\"params\":{\"password\":\"hunter2\"}}", SOURCE)))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageContaining("io.auditrelay:audit-backing-store-jdbc")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> registry.create(StoreConfig.parse("{\"type\":\"file\"}", SOURCE)))
        .hasMessageContaining("io.auditrelay:audit-backing-store-file");
  }

  @Test
  void namesAnUnknownParamAndListsTheAcceptedOnes() {
    assertThatThrownBy(
            () ->
                registry.create(
                    StoreConfig.parse(
                        "{\"type\":\"memory\",\"params\":{\"max_event\":5}}", SOURCE)))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessage(
            "AUDIT_BACKING_STORE: unknown param 'max_event' for store type 'memory'; accepted params: max_bytes, max_events");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-5", "0", "\"lots\"", "1.5", "true"})
  void namesAnInvalidParamValue(String value) {
    assertThatThrownBy(
            () ->
                registry.create(
                    StoreConfig.parse(
                        "{\"type\":\"memory\",\"params\":{\"max_events\":" + value + "}}", SOURCE)))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageContaining(
            "AUDIT_BACKING_STORE: param 'max_events' of store type 'memory' must be a positive integer");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "\"memory\"",
        "{\"type\":1}",
        "{\"params\":{}}",
        "{\"type\":\"memory\"} x",
        "{\"type\":\"memory\",\"type\":\"file\"}",
        "{\"type\":\"memory\",\"parms\":{}}",
        "{\"type\":\"memory\",\"params\":[]}",
        "{\"type\":\"memory\",\"params\":{\"max_events\":{\"a\":1}}}"
      })
  void rejectsMalformedConfigurationNamingTheSource(String json) {
    assertThatThrownBy(() -> StoreConfig.parse(json, SOURCE))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageStartingWith("AUDIT_BACKING_STORE: ");
  }

  /**
   * Each bad value gets one sentence naming the setting and the fix. Fails on the code before: the
   * nested document threw a raw NullPointerException, {@code 1e400} a raw Jackson exception, and a
   * duplicate key was reported as "not valid JSON" without the word duplicate.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("badConfigurations")
  void explainsEachBadConfigurationInOneSentence(String json, String expected) {
    assertThatThrownBy(() -> registry.create(StoreConfig.parse(json, SOURCE)))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageStartingWith("AUDIT_BACKING_STORE: ")
        .hasMessageContaining(expected)
        .hasNoCause();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> badConfigurations() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "[".repeat(100_000), "nested more than 100 levels deep"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",\"params\":{\"max_events\":" + "[".repeat(100_000) + "}}",
            "nested more than 100 levels deep"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",\"params\":{\"max_events\":1e400}}",
            "param 'max_events' of store type 'memory' must be a positive integer"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",\"params\":{\"max_bytes\":-1e400}}",
            "param 'max_bytes' of store type 'memory' must be"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",\"type\":\"file\"}", "duplicate key 'type'"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",\"params\":{\"max_events\":5,\"max_events\":6}}",
            "duplicate key 'max_events'"),
        org.junit.jupiter.params.provider.Arguments.of(
            "{\"type\":\"memory\",", "not valid JSON (line 1, column"));
  }

  @Test
  void neverRepeatsASecretFromMalformedJson() {
    String json = "{\"type\":\"sql\",\"params\":{\"password\":\"hunter2\" \"url\":\"x\"}}";

    assertThatThrownBy(() -> StoreConfig.parse(json, SOURCE))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageContaining("line 1")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void masksSecretsInParamErrors() {
    StoreParams params =
        new StoreParams(
            SOURCE,
            "sql",
            Map.of(
                "password",
                "hunter2",
                "url",
                "jdbc:postgresql://db/x?user=a&password=hunter2",
                "dsn",
                "postgres://bob:hunter2@db/x"));

    assertThat(params.invalid("password", "hunter2", "x").getMessage())
        .doesNotContain("hunter2")
        .contains("***");
    assertThat(params.invalid("url", params.string("url"), "x").getMessage())
        .doesNotContain("hunter2");
    assertThat(params.invalid("dsn", params.string("dsn"), "x").getMessage())
        .doesNotContain("hunter2")
        .contains("postgres://***@db/x");
    assertThat(params.toString()).doesNotContain("hunter2");
  }

  @Test
  void parsesSizesInBytesAndWithUnits() {
    StoreParams params =
        new StoreParams(
            SOURCE,
            "file",
            Map.of("a", 1024L, "b", "512MiB", "c", "2 GB", "d", "-1MiB", "e", "12XB"));

    assertThat(params.size("a", 1)).isEqualTo(1024);
    assertThat(params.size("b", 1)).isEqualTo(512L << 20);
    assertThat(params.size("c", 1)).isEqualTo(2_000_000_000L);
    assertThat(params.size("missing", 7)).isEqualTo(7);
    assertThatThrownBy(() -> params.size("d", 1))
        .hasMessageContaining("param 'd'")
        .hasMessageContaining("512MiB");
    assertThatThrownBy(() -> params.size("e", 1)).hasMessageContaining("param 'e'");
  }

  @Test
  void readsChoicesAndBooleansStrictly() {
    StoreParams params =
        new StoreParams(SOURCE, "file", Map.of("fsync", "sometimes", "flag", "yes"));

    assertThatThrownBy(
            () -> params.choice("fsync", Set.of("always", "interval", "never"), "always"))
        .hasMessageContaining("must be one of always, interval, never, not sometimes");
    assertThatThrownBy(() -> params.bool("flag", false)).hasMessageContaining("true or false");
  }

  @Test
  void refusesTwoFactoriesForOneType() {
    BackingStoreFactory other =
        new BackingStoreFactory() {
          @Override
          public String type() {
            return "memory";
          }

          @Override
          public Set<String> parameters() {
            return Set.of();
          }

          @Override
          public BackingStore create(StoreParams params) {
            throw new UnsupportedOperationException();
          }
        };

    assertThatThrownBy(
            () -> BackingStoreRegistry.of(List.of(new MemoryBackingStoreFactory(), other)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'memory'");
  }
}
