package io.auditrelay.benchmarks;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.StoreParams;
import io.auditrelay.store.jdbc.JdbcBackingStoreFactory;
import io.auditrelay.testsupport.TcpProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.modulith.events.FailedEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code peer.modulith.*} and the transactional side of {@code peer.rabbittemplate.*}: what a
 * Spring team builds for an outbox without an audit library, Spring Modulith's event publication
 * registry on JDBC with an {@code @ApplicationModuleListener} that publishes each event with a
 * correlated-confirm {@link RabbitTemplate} and waits for the broker's confirm (what Modulith's
 * AMQP externalization does in outbox mode; its AMQP module does not resolve for Boot 4.1, so the
 * listener is written here), against Audit Relay's transactional mode on the SQL store. Both in one
 * Spring Boot application: the same PostgreSQL, the same connection pool and transaction manager,
 * the same broker, the same event bytes.
 *
 * <p>Each side: {@value #THREADS} threads commit {@link #EVENTS} transactions that each record one
 * event; throughput is those events over the time from the first commit until the last is confirmed
 * by the broker and settled at its source (our table empty; no incomplete publication left);
 * latency to durable is the time of one commit (p50, p99). Then the backlog: {@link #BACKLOG}
 * events committed while the broker is unreachable (a TCP proxy that refuses connections), and the
 * time from the broker's return until every one is confirmed and settled (Modulith resubmits its
 * failed publications then, as an application would). Not JMH: each figure spans a whole run of a
 * pipeline, not a rate of one method.
 */
final class PeerModulith {

  /** Committing threads on each side. */
  static final int THREADS = PeerRabbitTemplate.THREADS;

  /** Events per side and round of the throughput phase. */
  static final int EVENTS = Integer.getInteger("audit.bench.peer-events", 20_000);

  /** Events committed during the outage. */
  static final int BACKLOG = Integer.getInteger("audit.bench.peer-backlog", 100_000);

  /** The figures of one side: events/s, p50 and p99 of a commit in µs, backlog drain in s. */
  record Figures(double throughput, double p50, double p99, double backlogSeconds) {}

  private PeerModulith() {}

  /**
   * Runs {@link #measure(int)} in a child JVM (this JVM has no Spring Boot) and returns its
   * figures, {@code [ours, modulith]}; the child's output is passed on.
   */
  static Figures[] inChildJvm(int rounds) throws Exception {
    Path classpath = Fixtures.jar().resolveSibling("peer-classpath.txt");
    if (!Files.isRegularFile(classpath)) {
      throw new IllegalStateException(
          classpath + " is missing: build the benchmarks with ./mvnw package -pl benchmarks -am");
    }
    Process child =
        new ProcessBuilder(
                Fixtures.childJvm(
                    List.of("-Xmx4g"),
                    Files.readString(classpath).strip(),
                    PeerModulith.class,
                    Integer.toString(rounds)))
            .redirectErrorStream(true)
            .start();
    double[] figures = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          figures =
              Arrays.stream(line.substring(RESULT.length()).trim().split(" "))
                  .mapToDouble(Double::parseDouble)
                  .toArray();
        } else {
          System.out.println(line);
        }
      }
    }
    if (child.waitFor() != 0 || figures == null) {
      throw new IllegalStateException("the Modulith peer failed (its output is above)");
    }
    return new Figures[] {
      new Figures(figures[0], figures[1], figures[2], figures[3]),
      new Figures(figures[4], figures[5], figures[6], figures[7])
    };
  }

  private static final String RESULT = "PEER-MODULITH ";

  /** The child JVM of {@link #inChildJvm(int)}: {@code <rounds>}. */
  public static void main(String[] args) throws Exception {
    StringBuilder line = new StringBuilder(RESULT);
    for (Figures side : measure(Integer.parseInt(args[0]))) {
      line.append(side.throughput)
          .append(' ')
          .append(side.p50)
          .append(' ')
          .append(side.p99)
          .append(' ')
          .append(side.backlogSeconds)
          .append(' ');
    }
    System.out.println(line.toString().strip());
  }

  /** Measures {@code rounds} rounds of each side and one backlog each; {@code [ours, modulith]}. */
  static Figures[] measure(int rounds) throws Exception {
    String queue = Fixtures.unique("bench_peer_modulith");
    String table = Fixtures.unique("bench_peer_outbox");
    Fixtures.sql("drop table if exists event_publication"); // Modulith's, of an earlier run
    try (TcpProxy outage = new TcpProxy("127.0.0.1", URI.create(Fixtures.RABBIT_URI).getPort());
        ConfigurableApplicationContext context = application(outage.port(), queue)) {
      Fixtures.purge(queue); // declares it
      DataSource dataSource = context.getBean(DataSource.class);
      TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      Externalizer externalizer = context.getBean(Externalizer.class);
      ApplicationEventPublisher publisher = context;
      String cadf = new String(Fixtures.eventBytes(), StandardCharsets.UTF_8);
      CadfEvent event = Fixtures.event();

      Runnable publish = () -> publisher.publishEvent(new AuditRecorded(cadf));
      java.util.function.LongSupplier incomplete =
          () ->
              jdbc.queryForObject(
                  "select count(*) from event_publication where completion_date is null",
                  Long.class);
      Side modulith = new Side("modulith", publish, incomplete, () -> {});
      List<Figures> ours = new ArrayList<>();
      List<Figures> peer = new ArrayList<>();
      try (Auditor auditor = transactionalAuditor(dataSource, table, queue, Fixtures.RABBIT_URI)) {
        Side oursSide =
            new Side(
                "ours",
                () -> auditor.record(event),
                () -> jdbc.queryForObject("select count(*) from " + table, Long.class),
                () -> {});
        throughput(oursSide, transactions, queue, 2_000); // warm-up
        throughput(modulith, transactions, queue, 2_000);
        for (int round = 0; round < rounds; round++) {
          boolean oursFirst = round % 2 == 0;
          for (int i = 0; i < 2; i++) {
            boolean isOurs = (i == 0) == oursFirst;
            Figures figures = throughput(isOurs ? oursSide : modulith, transactions, queue, EVENTS);
            (isOurs ? ours : peer).add(figures);
          }
        }
      }

      outage.cut();
      String backlogTable = table + BACKLOG_TABLE;
      double oursBacklog;
      String proxied = "amqp://guest:guest@127.0.0.1:" + outage.port();
      try (Auditor auditor = transactionalAuditor(dataSource, backlogTable, queue, proxied)) {
        oursBacklog =
            backlog(
                new Side(
                    "ours",
                    () -> auditor.record(event),
                    () -> jdbc.queryForObject("select count(*) from " + backlogTable, Long.class),
                    () -> {}),
                transactions,
                queue,
                outage);
      }
      outage.cut();
      externalizer.throughProxy();
      FailedEventPublications failed = context.getBean(FailedEventPublications.class);
      // As a scheduled job of the application would, back to back: every failed publication
      // (the outage's) resubmitted, up to 10,000 at a time, each through the listener again.
      ResubmissionOptions resubmission = ResubmissionOptions.defaults().withBatchSize(10_000);
      double modulithBacklog =
          backlog(
              new Side("modulith", publish, incomplete, () -> failed.resubmit(resubmission)),
              transactions,
              queue,
              outage);
      return new Figures[] {median(ours, oursBacklog), median(peer, modulithBacklog)};
    } finally {
      Fixtures.deleteQueue(queue);
      Fixtures.dropSqlStore(table);
      Fixtures.dropSqlStore(table + BACKLOG_TABLE);
      Fixtures.sql("drop table if exists event_publication");
    }
  }

  /** An Auditor in transactional mode on {@code table}, with the application's DataSource. */
  private static Auditor transactionalAuditor(
      DataSource dataSource, String table, String queue, String rabbitUri) {
    return Fixtures.auditor(
            queue,
            new JdbcBackingStoreFactory(() -> dataSource, true)
                .create(
                    new StoreParams(
                        "bench",
                        "sql",
                        Map.of("table_name", table, "batch_size", 1000, "max_events", 10_000_000))))
        .rabbitUri(rabbitUri)
        .deliveryMode(DeliveryMode.TRANSACTIONAL)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * One side: what a transaction records, how many of its events are not settled yet, and what the
   * application does while it waits for them (every {@value #RECOVERY_MILLIS} ms).
   */
  private record Side(
      String name,
      Runnable record,
      java.util.function.LongSupplier unsettled,
      Runnable whileWaiting) {}

  private static final long RECOVERY_MILLIS = 100;

  /** The suffix of the table of our side's outage backlog. */
  private static final String BACKLOG_TABLE = "_backlog";

  /** {@code events} transactions of {@code side}, timed to confirmed and settled; prints them. */
  private static Figures throughput(
      Side side, TransactionTemplate transactions, String queue, int events) throws Exception {
    long start = System.nanoTime();
    long[] commits = commit(side, transactions, events);
    awaitSettled(side, queue, events);
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(commits);
    Figures figures =
        new Figures(
            events / seconds,
            commits[commits.length / 2] / 1000.0,
            commits[(int) (commits.length * 0.99)] / 1000.0,
            Double.NaN);
    System.out.printf(
        "   modulith peer %s: %,d events committed and confirmed in %.2f s (%,.0f events/s),"
            + " commit p50 %.0f us, p99 %.0f us%n",
        side.name, events, seconds, figures.throughput, figures.p50, figures.p99);
    Fixtures.purge(queue);
    return figures;
  }

  /**
   * {@link #BACKLOG} transactions of {@code side} while {@code outage} refuses the broker's
   * connections; then the broker returns and the time until every event is confirmed and settled is
   * returned, in seconds.
   */
  private static double backlog(
      Side side, TransactionTemplate transactions, String queue, TcpProxy outage) throws Exception {
    long committing = System.nanoTime();
    commit(side, transactions, BACKLOG);
    double commitSeconds = (System.nanoTime() - committing) / 1e9;
    long start = System.nanoTime();
    outage.restore();
    awaitSettled(side, queue, BACKLOG);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "   modulith peer %s: %,d events committed in %.2f s with the broker down, drained in"
            + " %.2f s after it returned (%,.0f events/s)%n",
        side.name, BACKLOG, commitSeconds, seconds, BACKLOG / seconds);
    Fixtures.purge(queue);
    return seconds;
  }

  /** {@code events} transactions over {@value #THREADS} threads; the time of each commit, ns. */
  private static long[] commit(Side side, TransactionTemplate transactions, int events)
      throws InterruptedException {
    long[] times = new long[events];
    AtomicLong next = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (long i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                  long begin = System.nanoTime();
                  transactions.executeWithoutResult(status -> side.record.run());
                  times[(int) i] = System.nanoTime() - begin;
                }
              },
              "bench-peer-" + side.name + "-" + t);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return times;
  }

  /** Waits until the queue holds {@code events} messages and the side has none unsettled. */
  private static void awaitSettled(Side side, String queue, int events) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    long lastRecovery = System.nanoTime();
    try (com.rabbitmq.client.Connection connection = Fixtures.rabbitConnection();
        com.rabbitmq.client.Channel channel = connection.createChannel()) {
      while (channel.messageCount(queue) < events || side.unsettled.getAsLong() > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              side.name
                  + ": "
                  + channel.messageCount(queue)
                  + " of "
                  + events
                  + " events reached the broker, "
                  + side.unsettled.getAsLong()
                  + " unsettled, after 30 minutes");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        if (System.nanoTime() - lastRecovery > TimeUnit.MILLISECONDS.toNanos(RECOVERY_MILLIS)) {
          side.whileWaiting.run();
          lastRecovery = System.nanoTime();
        }
      }
    }
  }

  private static Figures median(List<Figures> rounds, double backlogSeconds) {
    return new Figures(
        median(rounds.stream().mapToDouble(Figures::throughput).toArray()),
        median(rounds.stream().mapToDouble(Figures::p50).toArray()),
        median(rounds.stream().mapToDouble(Figures::p99).toArray()),
        backlogSeconds);
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }

  /** The Spring Boot application of the peer: Boot's DataSource and Modulith's registry. */
  private static ConfigurableApplicationContext application(int proxyPort, String queue) {
    return new SpringApplicationBuilder(PeerApplication.class)
        .web(WebApplicationType.NONE)
        .logStartupInfo(false)
        .properties(
            "spring.main.banner-mode=off",
            "spring.datasource.url=" + Fixtures.POSTGRES_URL,
            "spring.datasource.username=" + Fixtures.POSTGRES_USER,
            // Room for the committing threads, the listener's and the Auditor's delivery.
            "spring.datasource.hikari.maximum-pool-size=" + (2 * THREADS + 4),
            // One listener thread per committing thread: the peer's listener waits per event.
            "spring.task.execution.pool.core-size=" + THREADS,
            "spring.modulith.events.jdbc.schema-initialization.enabled=true",
            "spring.flyway.enabled=false",
            "audit.bench.peer.proxy-port=" + proxyPort,
            "audit.bench.peer.queue=" + queue,
            // The outage makes every listener call fail on purpose: not worth a line each.
            "logging.level.org.springframework.modulith=ERROR",
            "logging.level.org.springframework.aop.interceptor=OFF",
            "logging.level.org.springframework.amqp=OFF")
        .run();
  }

  /** The event the peer publishes: the same serialized CADF event as ours records. */
  record AuditRecorded(String cadf) {}

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableAsync
  static class PeerApplication {

    @Bean
    Externalizer externalizer(org.springframework.core.env.Environment environment) {
      return new Externalizer(
          environment.getRequiredProperty("audit.bench.peer.queue"),
          template(URI.create(Fixtures.RABBIT_URI)),
          template(
              URI.create(
                  "amqp://guest:guest@127.0.0.1:"
                      + environment.getRequiredProperty("audit.bench.peer.proxy-port"))));
    }

    private static RabbitTemplate template(URI uri) {
      CachingConnectionFactory connectionFactory = new CachingConnectionFactory(uri);
      connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
      connectionFactory.setChannelCacheSize(THREADS);
      return new RabbitTemplate(connectionFactory);
    }
  }

  /**
   * The listener: publishes the event persistent with a correlation and waits for the broker's
   * confirm; a nack, a timeout or a refused connection throws, which leaves the publication
   * incomplete (failed) in Modulith's registry.
   */
  static class Externalizer implements AutoCloseable {

    private final RabbitTemplate direct;
    private final RabbitTemplate proxied;
    private final String queue;
    private volatile boolean useProxy;

    Externalizer(String queue, RabbitTemplate direct, RabbitTemplate proxied) {
      this.queue = queue;
      this.direct = direct;
      this.proxied = proxied;
    }

    /**
     * From now on, publishes through the proxy of the outage. A method, not a field: the bean is a
     * proxy (asynchronous, transactional), whose fields are not the listener's.
     */
    public void throughProxy() {
      useProxy = true;
    }

    /** Closes both connections (the context calls it when it closes). */
    @Override
    public void close() {
      for (RabbitTemplate template : List.of(direct, proxied)) {
        ((CachingConnectionFactory) template.getConnectionFactory()).destroy();
      }
    }

    @ApplicationModuleListener
    void on(AuditRecorded event) throws Exception {
      PeerRabbitTemplate.sendConfirmed(
          useProxy ? proxied : direct, queue, event.cadf().getBytes(StandardCharsets.UTF_8));
    }
  }
}
