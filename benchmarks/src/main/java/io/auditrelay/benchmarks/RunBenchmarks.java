package io.auditrelay.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark command: runs every group (or the groups named as arguments: {@code latency},
 * {@code file}, {@code rabbit}, {@code drain}, {@code sql}, {@code reopen}, {@code heap}, {@code
 * modes}, {@code verify}, {@code integrity}, {@code cpu}, {@code peers}, {@code scale}, {@code
 * backlog}), each with its physical limit and its peer in the same JMH run, and writes {@code
 * docs/benchmarks/summary.json}, {@code docs/benchmarks/summary.md} and the two charts {@code
 * docs/benchmarks/summary-vs-*.png} under the working directory (entries of groups not run are
 * kept). The group {@code charts} runs nothing and writes the table and charts again.
 *
 * <p>System properties: {@code audit.bench.iterations} (measurement iterations or rounds, default
 * 3), {@code audit.bench.seconds} (per iteration, default 5), {@code audit.bench.backlog} (drain
 * backlog, default 1000000), {@code audit.bench.cpu-events} (events per side and round of {@code
 * cpu}, default 300000), {@code audit.bench.peer-events} and {@code audit.bench.peer-backlog} (the
 * Modulith peer's events per round, default 20000, and its outage backlog, default 100000), {@code
 * audit.bench.replica-events} (the backlog of {@code scale}, default 200000), {@code
 * audit.bench.large-backlog} (the large backlog of {@code backlog}, default 10000000).
 */
public final class RunBenchmarks {

  private static final int ITERATIONS = Integer.getInteger("audit.bench.iterations", 3);
  private static final int SECONDS = Integer.getInteger("audit.bench.seconds", 5);

  /**
   * Warm-up iterations (or shots) before each measured one of {@code rabbit.live} and {@code
   * sql.drain}.
   */
  private static final int WARMUPS = Integer.getInteger("audit.bench.warmups", 3);

  private static final String BACKLOG = System.getProperty("audit.bench.backlog", "1000000");

  private RunBenchmarks() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    List<String> groups =
        args.length == 0
            ? List.of(
                "latency",
                "file",
                "rabbit",
                "drain",
                "sql",
                "reopen",
                "heap",
                "modes",
                "verify",
                "integrity",
                "cpu",
                "peers",
                "scale",
                "backlog")
            : List.of(args);
    Path out = Path.of("docs", "benchmarks");
    Files.createDirectories(out);
    Summary summary = Summary.read(out.resolve("summary.json"));
    String date = LocalDate.now().toString();
    String machine = Machine.describe();
    for (String group : groups) {
      System.out.println("== benchmark group " + group);
      for (Summary.Entry entry : run(group, date, machine)) {
        summary.put(entry);
        System.out.println("   " + entry);
      }
      summary.write(out); // after every group: a long run that stops keeps what it measured
    }
    System.out.println(summary.markdown());
  }

  private static List<Summary.Entry> run(String group, String date, String machine)
      throws Exception {
    List<Summary.Entry> entries = new ArrayList<>();
    switch (group) {
      case "charts" -> {
        // Runs nothing: summary.md and the charts are written again from summary.json.
      }
      case "latency" -> {
        Map<String, RunResult> r = jmh(RecordLatency.class, timed());
        entries.add(
            Summary.Entry.of(
                "record.latency.p99",
                "us",
                percentile(r.get("ours"), 99),
                percentile(r.get("limitValidateAndSerialize"), 99),
                percentile(r.get("peerSynchronousPublish"), 99),
                date,
                machine));
      }
      case "file" -> {
        Map<String, Double> always =
            rotatedMedians(
                FileAppend.class,
                List.of(
                    "fsyncAlwaysLimitRawGroupCommit",
                    "fsyncAlwaysOurs",
                    "fsyncAlwaysStore",
                    "fsyncAlwaysPeerOpenAppendFsyncClose"));
        entries.add(
            Summary.Entry.of(
                "file.fsync-always.throughput",
                "events/s",
                always.get("fsyncAlwaysOurs"),
                always.get("fsyncAlwaysLimitRawGroupCommit"),
                always.get("fsyncAlwaysPeerOpenAppendFsyncClose"),
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "file.fsync-always.store-throughput",
                "events/s",
                always.get("fsyncAlwaysStore"),
                always.get("fsyncAlwaysLimitRawGroupCommit"),
                always.get("fsyncAlwaysPeerOpenAppendFsyncClose"),
                date,
                machine));
        Map<String, RunResult> r = jmh(FileAppend.class, "fsyncNever.*", timed());
        entries.add(
            Summary.Entry.of(
                "file.fsync-never.throughput",
                "events/s",
                score(r.get("fsyncNeverOurs")),
                score(r.get("fsyncNeverLimitRawBufferedWrite")),
                null,
                date,
                machine));
      }
      case "rabbit" -> {
        // Medians of rotated runs; and against the raw client that serializes each event too.
        // WARMUPS warm-up iterations: the Auditor's path (validation, Jackson, the pipeline) is
        // still being compiled after one, on the cores the broker needs.
        Map<String, Double> live =
            rotatedMedians(
                RabbitLive.class,
                List.of("ours", "limitAsyncConfirms", "limitSerializingAsyncConfirms"),
                () -> timed().warmupIterations(WARMUPS).measurementIterations(1),
                RunBenchmarks::score);
        entries.add(
            Summary.Entry.of(
                "rabbit.live.throughput",
                "events/s",
                live.get("ours"),
                live.get("limitAsyncConfirms"),
                null,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "rabbit.live.throughput.vs-serializing-client",
                "events/s",
                live.get("ours"),
                live.get("limitSerializingAsyncConfirms"),
                null,
                date,
                machine));
      }
      case "drain" -> {
        Map<String, RunResult> r = jmh(RabbitDrain.class, single(2).param("backlog", BACKLOG));
        double backlog = Double.parseDouble(BACKLOG);
        entries.add(
            Summary.Entry.of(
                "rabbit.drain.throughput",
                "events/s",
                perSecond(backlog, r.get("ours@" + BACKLOG)),
                perSecond(backlog, r.get("limitAsyncConfirms@" + BACKLOG)),
                null,
                date,
                machine));
      }
      case "sql" -> {
        Map<String, RunResult> r = jmh(SqlAppend.class, timed());
        entries.add(
            Summary.Entry.of(
                "sql.append.throughput",
                "rows/s",
                score(r.get("ours")),
                score(r.get("limitRawJdbcBatch")),
                score(r.get("peerCountPerInsert")),
                date,
                machine));
        // Medians of rotated runs, each shot after WARMUPS shots to warm; and against the raw
        // pattern with ours' guarantee (rows locked while published, deleted when confirmed).
        Map<String, Double> drain =
            rotatedMedians(
                SqlDrain.class,
                List.of("ours", "limitDeleteSkipLockedReturning", "limitLockThenDelete"),
                () -> single(1).warmupIterations(WARMUPS),
                shot -> perSecond(100_000, shot));
        entries.add(
            Summary.Entry.of(
                "sql.drain.throughput",
                "rows/s",
                drain.get("ours"),
                drain.get("limitDeleteSkipLockedReturning"),
                null,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "sql.drain.throughput.vs-lock-then-delete",
                "rows/s",
                drain.get("ours"),
                drain.get("limitLockThenDelete"),
                null,
                date,
                machine));
      }
      case "verify" -> {
        // Warm: the verifier's first passes over a 100,000-event trail run several times slower.
        Map<String, RunResult> r = jmh(TrailVerify.class, single(5).warmupIterations(8));
        entries.add(
            Summary.Entry.of(
                "integrity.verify.throughput",
                "events/s",
                perSecond(TrailVerify.EVENTS, r.get("ours")),
                perSecond(TrailVerify.EVENTS, r.get("limitSha256")),
                null,
                date,
                machine));
      }
      case "peers" -> {
        // At equal guarantees: each thread waits until its event is durable, one at a time.
        Map<String, RunResult> r = jmh(PeerRabbitTemplate.class, timed());
        RunResult peer = r.get("peer");
        // The outbox: Modulith's registry against our transactional mode, same application.
        PeerModulith.Figures[] outbox = PeerModulith.inChildJvm(ITERATIONS);
        PeerModulith.Figures ours = outbox[0];
        PeerModulith.Figures modulith = outbox[1];
        String outboxMode = ".transactional-sql";
        entries.add(
            Summary.Entry.of(
                "peer.modulith.throughput" + outboxMode,
                "events/s",
                ours.throughput(),
                null,
                modulith.throughput(),
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "peer.modulith.latency.p50" + outboxMode,
                "us",
                ours.p50(),
                null,
                modulith.p50(),
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "peer.modulith.latency.p99" + outboxMode,
                "us",
                ours.p99(),
                null,
                modulith.p99(),
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "peer.modulith.backlog-drain" + outboxMode,
                "s",
                ours.backlogSeconds(),
                null,
                modulith.backlogSeconds(),
                date,
                machine));
        // The RabbitTemplate has no outbox: against it, ours commits and then delivers.
        entries.addAll(
            rabbitTemplateEntries(
                outboxMode, ours.throughput(), ours.p50(), ours.p99(), peer, date, machine));
        for (String[] mode :
            new String[][] {
              {"oursBufferOnFailureMemory", "buffer-on-failure-memory"},
              {"oursWriteAheadFile", "write-ahead-file"}
            }) {
          RunResult live = r.get(mode[0]);
          entries.addAll(
              rabbitTemplateEntries(
                  "." + mode[1],
                  perThreadsMean(live),
                  percentile(live, 50),
                  percentile(live, 99),
                  peer,
                  date,
                  machine));
        }
      }
      case "scale" -> {
        // The SQL store drained by 1, 2 and 4 replicas in their own JVMs: 4 (and 2) against 1.
        Map<Integer, Double> replicas = SqlReplicas.measure(ITERATIONS, 1, 2, 4);
        for (int count : new int[] {2, 4}) {
          System.out.printf(
              "   scale: %d replicas %,.0f events/s, 1 replica %,.0f events/s%n",
              count, replicas.get(count), replicas.get(1));
          entries.add(
              Summary.Entry.of(
                  "scale.sql.replicas-" + count,
                  "ratio",
                  replicas.get(count) / replicas.get(1),
                  null,
                  null,
                  date,
                  machine));
        }
      }
      case "cpu" -> {
        // Lower is better: µs of CPU per confirmed event, the raw client's as the limit.
        double[] cpu = CpuPerEvent.measure(ITERATIONS);
        entries.add(Summary.Entry.of("cpu.per-event", "us", cpu[0], cpu[1], null, date, machine));
      }
      case "integrity" -> {
        // Each figure with the trail off (limit) and on (ours), in alternating order per round.
        // record() and fsync=always also against the event without integrity carrying a plain
        // attachment of the stamp's size: the cost of integrity's work apart from its bytes.
        double[] latency =
            integritySides(
                RecordLatency.class,
                "ours",
                RunBenchmarks::timed,
                r -> percentile(r, 99),
                WITH_SAME_BYTES);
        entries.add(
            Summary.Entry.of(
                "integrity.record.latency.p99", "us", latency[1], latency[0], null, date, machine));
        entries.add(
            Summary.Entry.of(
                "integrity.record.latency.p99.same-bytes",
                "us",
                latency[1],
                latency[2],
                null,
                date,
                machine));
        double[] live =
            integrityPair(RabbitLive.class, "ours", RunBenchmarks::timed, RunBenchmarks::score);
        entries.add(
            Summary.Entry.of(
                "integrity.rabbit.live.throughput",
                "events/s",
                live[1],
                live[0],
                null,
                date,
                machine));
        double[] always =
            integritySides(
                FileAppend.class,
                "fsyncAlwaysOurs",
                RunBenchmarks::timed,
                RunBenchmarks::score,
                WITH_SAME_BYTES);
        entries.add(
            Summary.Entry.of(
                "integrity.file.fsync-always.throughput",
                "events/s",
                always[1],
                always[0],
                null,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "integrity.file.fsync-always.same-bytes",
                "events/s",
                always[1],
                always[2],
                null,
                date,
                machine));
        double backlog = Double.parseDouble(BACKLOG);
        double[] drain =
            integrityPair(
                RabbitDrain.class,
                "ours",
                () -> single(1).param("backlog", BACKLOG),
                r -> perSecond(backlog, r));
        entries.add(
            Summary.Entry.of(
                "integrity.rabbit.drain.throughput",
                "events/s",
                drain[1],
                drain[0],
                null,
                date,
                machine));
      }
      case "reopen" -> {
        Map<String, RunResult> r = jmh(FileReopen.class, single(5));
        double small = score(r.get("open@1000"));
        double large = score(r.get("open@1000000"));
        System.out.printf("   reopen: 1k backlog %.2f ms, 1M backlog %.2f ms%n", small, large);
        entries.add(
            Summary.Entry.of(
                "file.reopen.backlog-ratio", "ratio", large / small, null, null, date, machine));
      }
      case "backlog" -> {
        // 10,000,000 events in a file store against 1,000,000: open, heap, drain.
        FileBacklog.Figures small = FileBacklog.measure(FileBacklog.SMALL);
        FileBacklog.Figures large = FileBacklog.measure(FileBacklog.LARGE);
        entries.add(
            Summary.Entry.of(
                "file.reopen.backlog-10m",
                "ms",
                large.openMillis(),
                small.openMillis(),
                null,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "file.heap.backlog-10m",
                "bytes",
                (double) large.heapBytes(),
                (double) small.heapBytes(),
                null,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "file.drain.backlog-10m",
                "events/s",
                large.drainPerSecond(),
                small.drainPerSecond(),
                null,
                date,
                machine));
      }
      case "heap" -> {
        long small = HeapProbe.retainedBytes(1_000);
        long large = HeapProbe.retainedBytes(1_000_000);
        System.out.printf(
            "   heap retained by the open store: 1k backlog %d bytes, 1M backlog %d bytes%n",
            small, large);
        entries.add(
            Summary.Entry.of(
                "file.heap.backlog-ratio",
                "ratio",
                (double) large / Math.max(1, small),
                null,
                null,
                date,
                machine));
      }
      case "modes" -> {
        Map<String, RunResult> r = jmh(DeliveryModes.class, timed());
        double sync = score(r.get("synchronousPublish"));
        entries.add(
            Summary.Entry.of(
                "modes.write-ahead.throughput-16-threads",
                "events/s",
                score(r.get("writeAhead")),
                null,
                sync,
                date,
                machine));
        entries.add(
            Summary.Entry.of(
                "modes.buffer-on-failure.throughput-16-threads",
                "events/s",
                score(r.get("bufferOnFailure")),
                null,
                sync,
                date,
                machine));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown group '"
                  + group
                  + "'; groups: latency, file, rabbit, drain, sql, reopen, heap, modes, verify,"
                  + " integrity, cpu, peers, scale, backlog, charts");
    }
    return entries;
  }

  private static ChainedOptionsBuilder timed() {
    return new OptionsBuilder()
        .forks(1)
        .warmupIterations(1)
        .warmupTime(TimeValue.seconds(SECONDS))
        .measurementIterations(ITERATIONS)
        .measurementTime(TimeValue.seconds(SECONDS));
  }

  private static ChainedOptionsBuilder single(int shots) {
    return new OptionsBuilder()
        .forks(1)
        .warmupIterations(0)
        .measurementIterations(shots)
        .timeUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Runs each method of {@code benchmark} on its own, {@link #ITERATIONS} rounds, each round in a
   * rotated order, and returns each method's median score. For the disk, whose speed drifts and
   * which gives a burst of speed after a quiet spell: with one JMH run the method that runs first
   * always gets the burst; rotated, each gets the first place once.
   */
  private static Map<String, Double> rotatedMedians(Class<?> benchmark, List<String> methods)
      throws Exception {
    return rotatedMedians(
        benchmark, methods, () -> timed().measurementIterations(1), RunBenchmarks::score);
  }

  /**
   * {@link #rotatedMedians(Class, List)} with each run's {@code options} and its figure by {@code
   * measure}; a method whose name has {@code @Param}s is found by its plain name.
   */
  private static Map<String, Double> rotatedMedians(
      Class<?> benchmark,
      List<String> methods,
      Supplier<ChainedOptionsBuilder> options,
      ToDoubleFunction<RunResult> measure)
      throws Exception {
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (int round = 0; round < ITERATIONS; round++) {
      for (int i = 0; i < methods.size(); i++) {
        String method = methods.get((i + round) % methods.size());
        RunResult result =
            jmh(benchmark, method, options.get()).values().stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(method + " produced no result"));
        double figure = measure.applyAsDouble(result);
        System.out.printf("   round %d %s: %.2f%n", round + 1, method, figure);
        figures.computeIfAbsent(method, m -> new ArrayList<>()).add(figure);
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    figures.forEach((method, list) -> medians.put(method, median(list)));
    return medians;
  }

  /** The sides of {@link #integrityPair}: integrity off, on. */
  private static final List<Map<String, String>> OFF_ON =
      List.of(Map.of("integrity", "false"), Map.of("integrity", "true"));

  /** {@link #OFF_ON} and off with an event as large as a stamped one ({@code sameBytes}). */
  private static final List<Map<String, String>> WITH_SAME_BYTES =
      List.of(
          Map.of("integrity", "false"),
          Map.of("integrity", "true"),
          Map.of("integrity", "false", "sameBytes", "true"));

  /**
   * Runs {@code method} of {@code benchmark} with its {@code integrity} parameter off and on; see
   * {@link #integritySides}. Returns {@code [off, on]}.
   */
  private static double[] integrityPair(
      Class<?> benchmark,
      String method,
      Supplier<ChainedOptionsBuilder> options,
      ToDoubleFunction<RunResult> measure)
      throws Exception {
    return integritySides(benchmark, method, options, measure, OFF_ON);
  }

  /**
   * Runs {@code method} of {@code benchmark} once per side (its parameters), {@link #ITERATIONS}
   * rounds, each round starting with the next side (the machine drifts: no side always runs first),
   * and returns the median of {@code measure} of each side, in the order of {@code sides}.
   */
  private static double[] integritySides(
      Class<?> benchmark,
      String method,
      Supplier<ChainedOptionsBuilder> options,
      ToDoubleFunction<RunResult> measure,
      List<Map<String, String>> sides)
      throws Exception {
    List<List<Double>> figures = new ArrayList<>();
    sides.forEach(s -> figures.add(new ArrayList<>()));
    for (int round = 0; round < ITERATIONS; round++) {
      for (int i = 0; i < sides.size(); i++) {
        int side = (i + round) % sides.size();
        ChainedOptionsBuilder builder = options.get().measurementIterations(1);
        sides.get(side).forEach(builder::param);
        Map<String, RunResult> r = jmh(benchmark, method, builder);
        RunResult result =
            r.values().stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(method + " produced no result"));
        double figure = measure.applyAsDouble(result);
        System.out.printf("   round %d %s %s: %.2f%n", round + 1, method, sides.get(side), figure);
        figures.get(side).add(figure);
      }
    }
    return figures.stream().mapToDouble(RunBenchmarks::median).toArray();
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  /** Runs one class; results by method name, with {@code @param} values appended. */
  private static Map<String, RunResult> jmh(Class<?> benchmark, ChainedOptionsBuilder options)
      throws Exception {
    return jmh(benchmark, "", options);
  }

  /**
   * The comparison switches of some benchmarks ({@code @Param("false")}): off, they are not part of
   * a result's name, so that the groups that leave them off find their results by plain names.
   */
  private static final Set<String> SWITCHES = Set.of("integrity", "sameBytes");

  /**
   * Runs the methods of one class whose names match {@code methods} (a regular expression); the
   * results by method name, each {@code @Param} value but a switch that is off appended ({@code
   * ours@1000000}).
   */
  private static Map<String, RunResult> jmh(
      Class<?> benchmark, String methods, ChainedOptionsBuilder options) throws Exception {
    Collection<RunResult> results =
        new Runner(
                options
                    .include(benchmark.getName() + "\\." + methods + (methods.isEmpty() ? "" : "$"))
                    .jvmArgsAppend(forkArguments())
                    .shouldFailOnError(true)
                    .build())
            .run();
    Map<String, RunResult> byName = new LinkedHashMap<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      String name = label.substring(label.lastIndexOf('.') + 1);
      for (String key : result.getParams().getParamsKeys()) {
        String value = result.getParams().getParam(key);
        if (!(SWITCHES.contains(key) && "false".equals(value))) {
          name += "@" + value;
        }
      }
      byName.put(name, result);
    }
    return byName;
  }

  /** The forks' JVM options: heap, headless, and every {@code audit.bench.*} property. */
  private static String[] forkArguments() {
    List<String> arguments = new ArrayList<>(List.of("-Xmx8g", "-Djava.awt.headless=true"));
    arguments.addAll(Fixtures.benchProperties());
    return arguments.toArray(String[]::new);
  }

  private static double score(@Nullable RunResult result) {
    return require(result).getPrimaryResult().getScore();
  }

  private static double percentile(@Nullable RunResult result, double percentile) {
    return require(result).getPrimaryResult().getStatistics().getPercentile(percentile);
  }

  /**
   * The {@code peer.rabbittemplate.*} entries of one mode ({@code suffix}): throughput, p50 and p99
   * of ours against those of the {@code peer} run.
   */
  private static List<Summary.Entry> rabbitTemplateEntries(
      String suffix,
      double throughput,
      double p50,
      double p99,
      RunResult peer,
      String date,
      String machine) {
    return List.of(
        Summary.Entry.of(
            "peer.rabbittemplate.throughput" + suffix,
            "events/s",
            throughput,
            null,
            perThreadsMean(peer),
            date,
            machine),
        Summary.Entry.of(
            "peer.rabbittemplate.latency.p50" + suffix,
            "us",
            p50,
            null,
            percentile(peer, 50),
            date,
            machine),
        Summary.Entry.of(
            "peer.rabbittemplate.latency.p99" + suffix,
            "us",
            p99,
            null,
            percentile(peer, 99),
            date,
            machine));
  }

  /**
   * Events per second of {@link PeerRabbitTemplate#THREADS} threads that each wait for one event at
   * a time, from the mean sampled time of one event in microseconds.
   */
  private static double perThreadsMean(@Nullable RunResult result) {
    return PeerRabbitTemplate.THREADS * 1_000_000.0 / score(result);
  }

  /** Events per second from a single-shot time in milliseconds. */
  private static double perSecond(double events, @Nullable RunResult result) {
    return events / (score(result) / 1000.0);
  }

  private static RunResult require(@Nullable RunResult result) {
    if (result == null) {
      throw new IllegalStateException("a benchmark of the group produced no result");
    }
    return result;
  }

  /** Where the summary's JSON is read and written (also used by tests of the format). */
  static JsonMapper json() {
    return JsonMapper.builder().build();
  }

  static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
