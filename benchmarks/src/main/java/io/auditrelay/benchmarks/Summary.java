package io.auditrelay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import tools.jackson.core.type.TypeReference;

/**
 * {@code docs/benchmarks/summary.json}: one object per benchmark, {@code {"benchmark", "unit",
 * "ours", "limit", "peer", "ratio_vs_limit", "ratio_vs_peer", "date", "machine"}}; with a Markdown
 * table and two charts (ours/limit, ours/peer) beside it.
 */
final class Summary {

  /** One benchmark's figures; ratios are ours/limit and ours/peer, null where there is none. */
  record Entry(
      String benchmark,
      String unit,
      double ours,
      @Nullable Double limit,
      @Nullable Double peer,
      @Nullable Double ratioVsLimit,
      @Nullable Double ratioVsPeer,
      String date,
      String machine) {

    static Entry of(
        String benchmark,
        String unit,
        double ours,
        @Nullable Double limit,
        @Nullable Double peer,
        String date,
        String machine) {
      return new Entry(
          benchmark,
          unit,
          round(ours),
          limit == null ? null : round(limit),
          peer == null ? null : round(peer),
          ratio(ours, limit),
          ratio(ours, peer),
          date,
          machine);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("benchmark", benchmark);
      json.put("unit", unit);
      json.put("ours", ours);
      json.put("limit", limit);
      json.put("peer", peer);
      json.put("ratio_vs_limit", ratioVsLimit);
      json.put("ratio_vs_peer", ratioVsPeer);
      json.put("date", date);
      json.put("machine", machine);
      return json;
    }

    static Entry fromJson(Map<String, Object> json) {
      return new Entry(
          (String) json.get("benchmark"),
          (String) json.get("unit"),
          number(json.get("ours")),
          nullableNumber(json.get("limit")),
          nullableNumber(json.get("peer")),
          nullableNumber(json.get("ratio_vs_limit")),
          nullableNumber(json.get("ratio_vs_peer")),
          (String) json.get("date"),
          (String) json.get("machine"));
    }

    @Override
    public String toString() {
      return benchmark
          + ": ours "
          + ours
          + " "
          + unit
          + (limit == null ? "" : ", limit " + limit + " (x" + ratioVsLimit + ")")
          + (peer == null ? "" : ", peer " + peer + " (x" + ratioVsPeer + ")");
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  static Summary read(Path file) throws IOException {
    Summary summary = new Summary();
    if (Files.exists(file)) {
      List<Map<String, Object>> list =
          RunBenchmarks.json()
              .readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() {});
      for (Map<String, Object> json : list) {
        summary.put(Entry.fromJson(json));
      }
    }
    return summary;
  }

  void put(Entry entry) {
    entries.put(entry.benchmark(), entry);
  }

  /** Writes summary.json, summary.md and the two charts into {@code dir}. */
  void write(Path dir) throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    entries.values().forEach(e -> list.add(e.toJson()));
    RunBenchmarks.write(
        dir.resolve("summary.json"),
        RunBenchmarks.json().writerWithDefaultPrettyPrinter().writeValueAsString(list) + "\n");
    RunBenchmarks.write(dir.resolve("summary.md"), markdown());
    chart(
        dir.resolve("summary-vs-limit"),
        "throughput, ours / physical limit (same run; higher is better)",
        true);
    chart(
        dir.resolve("summary-vs-peer"),
        "throughput, ours / peer pattern (same run, log scale; higher is better)",
        false);
  }

  String markdown() {
    StringBuilder out =
        new StringBuilder(
            "| benchmark | unit | ours | limit | peer | ours/limit | ours/peer | date |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Entry e : entries.values()) {
      out.append("| `")
          .append(e.benchmark())
          .append("` | ")
          .append(e.unit())
          .append(" | ")
          .append(format(e.ours()))
          .append(" | ")
          .append(format(e.limit()))
          .append(" | ")
          .append(format(e.peer()))
          .append(" | ")
          .append(format(e.ratioVsLimit()))
          .append(" | ")
          .append(format(e.ratioVsPeer()))
          .append(" | ")
          .append(e.date())
          .append(" |\n");
    }
    return out.toString();
  }

  private void chart(Path file, String title, boolean vsLimit) throws IOException {
    List<String> names = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (Entry e : entries.values()) {
      Double ratio = vsLimit ? e.ratioVsLimit() : e.ratioVsPeer();
      // Throughputs only: for a latency a lower ratio is better, on one chart it would mislead.
      if (ratio != null && e.unit().endsWith("/s")) {
        names.add(e.benchmark());
        ratios.add(ratio);
      }
    }
    if (names.isEmpty()) {
      return;
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1400)
            .height(520)
            .title(title)
            .xAxisTitle("benchmark")
            .yAxisTitle("ratio")
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setLabelsVisible(true);
    if (!vsLimit) {
      // Bars start at the axis minimum, which a log axis needs above zero.
      chart.getStyler().setYAxisLogarithmic(true);
      chart
          .getStyler()
          .setYAxisMin(Math.pow(10, Math.floor(Math.log10(min(ratios))) - 1))
          .setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max(ratios))) + 1));
    } else {
      chart.getStyler().setYAxisMin(0.0);
    }
    chart.addSeries("ratio", names, ratios);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
  }

  private static String format(@Nullable Double value) {
    if (value == null) {
      return "—";
    }
    if (Math.abs(value) >= 100) {
      return String.format(java.util.Locale.ROOT, "%,.0f", value);
    }
    return Math.abs(value) >= 1
        ? String.format(java.util.Locale.ROOT, "%.2f", value)
        : String.format(java.util.Locale.ROOT, "%.3g", value);
  }

  /**
   * {@code ours / other} to four significant digits (ratios span from 0.001 to thousands); none
   * without a finite, non-zero {@code other}.
   */
  private static @Nullable Double ratio(double ours, @Nullable Double other) {
    if (other == null || other == 0 || !Double.isFinite(ours / other)) {
      return null;
    }
    return new java.math.BigDecimal(ours / other).round(new java.math.MathContext(4)).doubleValue();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static double number(Object value) {
    return ((Number) value).doubleValue();
  }

  private static @Nullable Double nullableNumber(@Nullable Object value) {
    return value == null ? null : ((Number) value).doubleValue();
  }
}
