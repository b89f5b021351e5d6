package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.testsupport.TestEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations files shipped in {@code docs/ops/} query only metrics that an Auditor really
 * exports, under the names Micrometer's Prometheus registry gives them. The rules' own behaviour is
 * tested by {@code promtool test rules docs/ops/alerts.test.yml}, which {@code .ci/run} runs.
 */
class OperationsFilesTests {

  private static final Path OPS = Path.of("..", "docs", "ops").toAbsolutePath().normalize();
  private static final Pattern METRIC = Pattern.compile("\\baudit_[a-z_]+");

  @Test
  void everyMetricTheAlertRulesQueryIsExported() throws Exception {
    List<String> expressions = new ArrayList<>();
    for (String line : Files.readAllLines(OPS.resolve("alerts.yml"))) {
      if (line.trim().startsWith("expr:")) {
        expressions.add(line.trim().substring("expr:".length()));
      }
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(6);
    assertThat(referenced(expressions)).isSubsetOf(exported()).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    JsonNode dashboard =
        JsonMapper.builder().build().readTree(OPS.resolve("grafana-dashboard.json").toFile());
    List<String> expressions = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> expressions.add(e.asString()));
    dashboard.findValues("definition").forEach(e -> expressions.add(e.asString()));
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(20);
    assertThat(referenced(expressions)).isSubsetOf(exported()).hasSizeGreaterThanOrEqualTo(15);
  }

  private static Set<String> referenced(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher m = METRIC.matcher(expression);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** The sample names of a scrape of a running Auditor's meters, one event published and stored. */
  private static Set<String> exported() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Auditor auditor =
        Auditor.builder()
            .rabbitUri("amqp://guest:guest@127.0.0.1:1")
            .queueName("audit-ops-files")
            .meterRegistry(registry)
            .connectionTimeout(Duration.ofMillis(200))
            .shutdownHook(false)
            .shutdownTimeout(Duration.ofSeconds(1))
            .build();
    try {
      auditor.record(TestEvents.event(0, 0)).join(); // stored: the broker is not there
      Set<String> names = new TreeSet<>();
      for (String line : registry.scrape().split("\n")) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          names.add(line.split("[{ ]", 2)[0]);
        }
      }
      return names;
    } finally {
      auditor.close();
    }
  }
}
