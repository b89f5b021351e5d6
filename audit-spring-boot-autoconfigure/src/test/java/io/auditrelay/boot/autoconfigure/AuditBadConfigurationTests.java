package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Bad configuration, as a service starts with it: each case ends in the failure analyzer's report,
 * one sentence that names the setting, where its value came from (an environment variable or the
 * properties), and the fix; never a raw exception or a long stack trace. Fails on the code before:
 * a deeply nested document gave a NullPointerException, {@code 1e400} a Jackson exception, a
 * duplicate key "not valid JSON", a refused directory no analysis at all, and every message said
 * "(env AUDIT_BACKING_STORE)" whatever set the value.
 */
class AuditBadConfigurationTests {

  @TempDir static Path root;

  private static final ApplicationContextRunner RUNNER =
      new ApplicationContextRunner()
          .withConfiguration(AuditAutoConfigurationTests.ALL)
          .withBean(ConnectionFactory.class, AuditAutoConfigurationTests::unreachableBroker)
          .withPropertyValues("audit.rabbitmq.queue-name=q", "audit.shutdown.timeout=1s");

  /** A case: the environment variables, the properties, and what the report must say. */
  record Case(String name, Map<String, Object> env, String[] properties, String[] expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() throws Exception {
    Path writable = Files.createDirectories(root.resolve("writable"));
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwx---"));
    String fromProperties = "audit.backing-store (set in ";
    String fromEnv = "audit.backing-store (env AUDIT_BACKING_STORE): ";
    return Stream.of(
            new Case(
                "100,000 nested [ from the environment",
                Map.of("AUDIT_BACKING_STORE", "[".repeat(100_000)),
                new String[0],
                new String[] {fromEnv + "nested more than 100 levels deep"}),
            new Case(
                "1e400 from the environment",
                Map.of(
                    "AUDIT_BACKING_STORE",
                    "{\"type\":\"memory\",\"params\":{\"max_events\":1e400}}"),
                new String[0],
                new String[] {
                  fromEnv + "param 'max_events' of store type 'memory' must be a positive integer"
                }),
            new Case(
                "a duplicate key in the properties",
                Map.of(),
                new String[] {"audit.backing-store={\"type\":\"memory\",\"type\":\"file\"}"},
                new String[] {fromProperties, "duplicate key 'type'"}),
            new Case(
                "a group-writable directory",
                Map.of(),
                new String[] {
                  "audit.backing-store={\"type\":\"file\",\"params\":{\"directory\":\""
                      + writable
                      + "\"}}"
                },
                new String[] {
                  "backing store could not be opened",
                  fromProperties,
                  "the file store could not be opened",
                  "is group- or world-writable"
                }),
            new Case(
                "a file store too small for one event",
                Map.of(
                    "AUDIT_BACKING_STORE",
                    "{\"type\":\"file\",\"params\":{\"directory\":\""
                        + root.resolve("small")
                        + "\",\"max_file_size\":1,\"max_total_size\":1}}"),
                new String[0],
                new String[] {
                  "audit.publish.max-event-size (env AUDIT_PUBLISH_MAX_EVENT_SIZE)",
                  "raise max_total_size"
                }),
            new Case(
                "a builder setting from the properties",
                Map.of(),
                new String[] {"audit.publish.batch-size=0"},
                new String[] {"audit.publish.batch-size (set in ", "must be positive"}))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsEachBadConfigurationInOneSentenceNamingTheSettingAndItsSource(Case c) {
    RUNNER
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource("test-environment", c.env())))
        .withPropertyValues(c.properties())
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new AuditConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).as("a failure analysis, not a raw exception").isNotNull();
              assertThat(analysis.getDescription()).contains(c.expected());
              assertThat(analysis.getDescription().lines()).hasSize(1);
              assertThat(analysis.getAction()).contains("audit.enabled=false");
            });
  }

  @org.junit.jupiter.api.Test
  void aWrongEntryOfTheRequestPathMapFailsStartupNamingIt() {
    new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
        .withConfiguration(AuditAutoConfigurationTests.ALL)
        .withConfiguration(
            org.springframework.boot.autoconfigure.AutoConfigurations.of(
                AuditRequestsAutoConfiguration.class))
        .withBean(ConnectionFactory.class, AuditAutoConfigurationTests::unreachableBroker)
        .withPropertyValues(
            "audit.rabbitmq.queue-name=q",
            "audit.shutdown.timeout=1s",
            "audit.web.requests.enabled=true",
            "audit.web.requests.paths[0].pattern=/v1/projects/{id}",
            "audit.web.requests.paths[0].target-type=projects")
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new AuditConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains(
                      "audit.web.requests.paths[0].target-type: 'projects' is not a CADF resource"
                          + " type");
            });
  }
}
