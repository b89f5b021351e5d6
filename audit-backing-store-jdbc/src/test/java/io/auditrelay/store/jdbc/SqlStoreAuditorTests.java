package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoreParams;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.FlappingLoad;
import io.auditrelay.testsupport.ForwardingBackingStore;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The SQL store under Auditors and a real broker: sharing, outbox, database outages. */
class SqlStoreAuditorTests {

  private final AmqpBroker broker = RealServers.rabbitmq();
  private final List<AutoCloseable> cleanUp = new CopyOnWriteArrayList<>();

  /** Each database, and MariaDB once more with claims by lease (when it is the real one). */
  static Stream<org.junit.jupiter.params.provider.Arguments> sharedDatabases() {
    TestDatabase mariadb = TestDatabase.mariadb().report("SqlStoreAuditorTests");
    Stream<org.junit.jupiter.params.provider.Arguments> plain =
        Stream.of(
            org.junit.jupiter.params.provider.Arguments.of(
                TestDatabase.postgres().report("SqlStoreAuditorTests"), false),
            org.junit.jupiter.params.provider.Arguments.of(mariadb, false));
    return mariadb.real()
        ? Stream.concat(
            plain, Stream.of(org.junit.jupiter.params.provider.Arguments.of(mariadb, true)))
        : plain;
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable closeable : cleanUp) {
      closeable.close();
    }
  }

  private static CadfEvent event(String tag) {
    return CadfEvent.builder()
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of("thing", ResourceTypes.DATA))
        .tag(tag)
        .build();
  }

  private Auditor auditor(String uri, String queue, BackingStore store, DeliveryMode mode) {
    Auditor auditor =
        Auditor.builder()
            .rabbitUri(uri)
            .queueName(queue)
            .deliveryMode(mode)
            .backingStore(store)
            .initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(200))
            .shutdownTimeout(Duration.ofSeconds(5))
            .shutdownHook(false)
            .build();
    cleanUp.add(0, auditor);
    return auditor;
  }

  private QueueReader reader(String queue) {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    QueueReader reader = new QueueReader(broker, queue);
    cleanUp.add(0, reader::delete);
    return reader;
  }

  private String table(TestDatabase database) {
    String table = TestDatabase.uniqueTable("auditor");
    cleanUp.add(() -> database.drop(table));
    return table;
  }

  private static List<String> tags(List<QueueReader.Delivered> delivered) {
    return delivered.stream().map(d -> CadfJson.read(d.body()).tags().get(0)).toList();
  }

  @ParameterizedTest
  @MethodSource("sharedDatabases")
  void threeAuditorsOnOneTablePublishEveryEventOnce(TestDatabase database, boolean lease)
      throws Exception {
    String queue = "audit-sql-shared-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    String table = table(database);
    int perAuditor = 300;
    List<BackingStore> stores = new ArrayList<>();
    List<Auditor> auditors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      BackingStore store = database.open(table, Map.of("batch_size", 50), lease);
      stores.add(store);
      auditors.add(auditor(broker.uri(), queue, store, DeliveryMode.WRITE_AHEAD));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> recorders = new ArrayList<>();
      for (int a = 0; a < 3; a++) {
        Auditor auditor = auditors.get(a);
        int instance = a;
        recorders.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<Void>> futures = new ArrayList<>();
                  for (int n = 0; n < perAuditor; n++) {
                    futures.add(auditor.record(event("a" + instance + "-" + n)));
                  }
                  CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
                }));
      }
      for (Future<?> recorder : recorders) {
        recorder.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    reader.awaitAtLeast(3 * perAuditor, Duration.ofSeconds(60));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> stores.stream().allMatch(s -> s.stats().events() == 0));
    List<String> delivered = tags(reader.poll());
    assertThat(delivered).hasSize(3 * perAuditor).doesNotHaveDuplicates();
  }

  /** 64 threads recording during broker flaps, in each mode that uses the store. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = DeliveryMode.class,
      names = {"BUFFER_ON_FAILURE", "WRITE_AHEAD"})
  @org.junit.jupiter.api.Timeout(value = 240, unit = TimeUnit.SECONDS)
  void sixtyFourThreadsDuringBrokerFlapsLoseNothing(DeliveryMode mode) throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    String queue = "audit-sql-flaps-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    TcpProxy proxy = TcpProxy.to(broker);
    cleanUp.add(proxy);
    BackingStore store = postgres.open(table(postgres), Map.of());
    Auditor auditor = auditor(broker.via(proxy).uri(), queue, store, mode);
    FlappingLoad.run(auditor, proxy, reader, 64, 100);
  }

  @Test
  void transactionalEventsCommitAndRollBackWithTheBusinessChange() throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    HikariDataSource application = postgres.dataSource();
    cleanUp.add(application);
    String table = table(postgres);
    BackingStore store =
        new JdbcBackingStoreFactory(() -> application, true)
            .create(new StoreParams("test", "sql", Map.of("table_name", table)));
    String queue = "audit-sql-tx-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    Auditor auditor = auditor(broker.uri(), queue, store, DeliveryMode.TRANSACTIONAL);
    String projects = TestDatabase.uniqueTable("projects");
    JdbcTemplate jdbc = new JdbcTemplate(application);
    jdbc.execute("CREATE TABLE " + projects + " (name VARCHAR(50))");
    cleanUp.add(() -> postgres.dropTable(projects));
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(application));

    CompletableFuture<Void> committed =
        transaction.execute(
            status -> {
              jdbc.update("INSERT INTO " + projects + " VALUES ('kept')");
              CompletableFuture<Void> future = auditor.record(event("committed"));
              assertThat(future).as("durable only at commit").isNotDone();
              return future;
            });
    CompletableFuture<Void> rolledBack =
        transaction.execute(
            status -> {
              jdbc.update("INSERT INTO " + projects + " VALUES ('undone')");
              CompletableFuture<Void> future = auditor.record(event("rolled-back"));
              status.setRollbackOnly();
              return future;
            });
    CompletableFuture<Void> outside = auditor.record(event("outside"));

    committed.get(10, TimeUnit.SECONDS);
    outside.get(10, TimeUnit.SECONDS);
    assertThat(rolledBack).isCancelled();
    reader.awaitAtLeast(2, Duration.ofSeconds(30));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.stats().events() == 0);
    assertThat(tags(reader.poll())).containsExactlyInAnyOrder("committed", "outside");
    assertThat(jdbc.queryForList("SELECT name FROM " + projects, String.class))
        .containsExactly("kept");
  }

  @Test
  void transactionalRecordingRefusesATransactionOnAnotherDataSource() {
    TestDatabase postgres = TestDatabase.postgres();
    HikariDataSource application = postgres.dataSource();
    HikariDataSource other = postgres.dataSource();
    cleanUp.add(application);
    cleanUp.add(other);
    BackingStore store =
        new JdbcBackingStoreFactory(() -> application, true)
            .create(new StoreParams("test", "sql", Map.of("table_name", table(postgres))));
    Auditor auditor =
        auditor(
            broker.uri(), "audit-sql-tx-" + UUID.randomUUID(), store, DeliveryMode.TRANSACTIONAL);
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(other));

    assertThatThrownBy(() -> transaction.execute(status -> auditor.record(event("elsewhere"))))
        .isInstanceOf(BackingStoreException.class)
        .hasMessageContaining("does not use the DataSource of the audit table");
    assertThat(store.stats().events()).isZero();
  }

  @Test
  void theDatabaseGoingDownBetweenConfirmAndDeleteLosesNothingAndRepublishesNothing()
      throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    TcpProxy proxy = proxyTo(postgres);
    String table = table(postgres);
    BackingStore store = viaProxy(postgres, proxy).open(table, Map.of());
    CountDownLatch cut = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    BackingStore cutting =
        new ForwardingStore(
            store,
            claim -> {
              if (first.compareAndSet(true, false)) {
                proxy.cut(); // the broker confirmed; the delete cannot reach the database
                cut.countDown();
              }
            });
    String queue = "audit-sql-ack-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    Auditor auditor = auditor(broker.uri(), queue, cutting, DeliveryMode.WRITE_AHEAD);

    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int n = 0; n < 50; n++) {
      futures.add(auditor.record(event("e" + n)));
    }
    assertThat(cut.await(30, TimeUnit.SECONDS)).isTrue();
    proxy.restore();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    reader.awaitAtLeast(50, Duration.ofSeconds(60));
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> store.stats().events() == 0);
    List<String> delivered = tags(reader.poll());
    assertThat(new HashSet<>(delivered)).hasSize(50);
    assertThat(delivered).as("the delete was retried, not the publish").doesNotHaveDuplicates();
  }

  @Test
  void appendsDuringADatabaseOutageAreNeverReportedDurableAndCompleteWhenItReturns()
      throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    TcpProxy proxy = proxyTo(postgres);
    BackingStore store = viaProxy(postgres, proxy).open(table(postgres), Map.of());
    String queue = "audit-sql-down-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    Auditor auditor = auditor(broker.uri(), queue, store, DeliveryMode.WRITE_AHEAD);

    recordThroughAStoreFault(auditor, reader, "d", List.of(), proxy::cut, proxy::restore);
  }

  /**
   * A database that stops answering (sockets open, nothing comes back: a hung host, a black hole)
   * is given up on after the network timeout, so the pipeline reports the store failing instead of
   * hanging in a read forever; once it answers again, every event completes and is published.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDatabaseThatStopsAnsweringIsGivenUpOnAndDrainedWhenItAnswersAgain() throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    TcpProxy proxy = proxyTo(postgres);
    Map<String, Object> params = new HashMap<>(viaProxy(postgres, proxy).params(table(postgres)));
    params.put("statement_timeout_seconds", 1);
    BackingStore store =
        new JdbcBackingStoreFactory(() -> null, true)
            .create(new StoreParams("test", "sql", params));
    String queue = "audit-sql-hung-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    Auditor auditor = auditor(broker.uri(), queue, store, DeliveryMode.WRITE_AHEAD);
    auditor.record(event("h-first")).get(30, TimeUnit.SECONDS);

    recordThroughAStoreFault(
        auditor,
        reader,
        "h",
        List.of("h-first"),
        proxy::blackHole,
        () -> {
          proxy.cut(); // the held connections end; new ones get through
          proxy.restore();
        });
  }

  /**
   * A database that stops answering while the store starts, after the application's pool handed out
   * a live connection: detecting the database, Flyway and the table check are bounded by the same
   * network timeout as every later call, so startup fails with a message instead of hanging.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDatabaseThatHangsDuringStartupFailsItInsteadOfHangingIt() throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    TcpProxy proxy = proxyTo(postgres);
    HikariDataSource application = viaProxy(postgres, proxy).dataSource();
    application.setConnectionTimeout(2_000);
    cleanUp.add(application);
    String table = table(postgres);
    try (java.sql.Connection warm = application.getConnection()) {
      assertThat(warm.isValid(2)).isTrue(); // the pool hands this one out again unchecked
    }
    proxy.blackHole();

    assertThatThrownBy(
            () ->
                new JdbcBackingStoreFactory(() -> application, true)
                    .create(
                        new StoreParams(
                            "test",
                            "sql",
                            Map.of("table_name", table, "statement_timeout_seconds", 1))))
        .isInstanceOf(BackingStoreException.class)
        .hasMessageContaining(table);
    proxy.restore();
  }

  /**
   * A table locked by another session (a migration holding ACCESS EXCLUSIVE) makes every statement
   * wait; the statement timeout ends each wait, the store is reported failing, nothing is reported
   * durable, and everything completes once the lock is released. The store runs on the
   * application's DataSource here.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aLockedTableTimesOutStatementsUntilTheLockIsReleased() throws Exception {
    TestDatabase postgres = TestDatabase.postgres().report("SqlStoreAuditorTests");
    HikariDataSource application = postgres.dataSource();
    cleanUp.add(application);
    String table = table(postgres);
    BackingStore store =
        new JdbcBackingStoreFactory(() -> application, true)
            .create(
                new StoreParams(
                    "test", "sql", Map.of("table_name", table, "statement_timeout_seconds", 1)));
    String queue = "audit-sql-locked-" + UUID.randomUUID();
    QueueReader reader = reader(queue).declare();
    Auditor auditor = auditor(broker.uri(), queue, store, DeliveryMode.WRITE_AHEAD);
    auditor.record(event("l-first")).get(30, TimeUnit.SECONDS);

    try (java.sql.Connection locker = application.getConnection()) {
      locker.setAutoCommit(false);
      recordThroughAStoreFault(
          auditor,
          reader,
          "l",
          List.of("l-first"),
          () -> {
            try (java.sql.Statement lock = locker.createStatement()) {
              lock.execute("LOCK TABLE " + postgres.quote(table) + " IN ACCESS EXCLUSIVE MODE");
            }
          },
          locker::commit);
    }
  }

  /** A step of a fault test that may throw. */
  private interface Step {
    void run() throws Exception;
  }

  /**
   * Starts {@code fault}, records 20 events tagged {@code <prefix><n>}, waits until the store is
   * reported failing and checks that none was reported durable; then {@code heal}s, waits for all
   * 20 and asserts that the queue holds {@code before} followed by them, in order.
   */
  private static void recordThroughAStoreFault(
      Auditor auditor,
      QueueReader reader,
      String prefix,
      List<String> before,
      Step fault,
      Step heal)
      throws Exception {
    fault.run();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    List<String> expected = new ArrayList<>(before);
    for (int n = 0; n < 20; n++) {
      futures.add(auditor.record(event(prefix + n)));
      expected.add(prefix + n);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> auditor.state().orElseThrow().storeFailing());
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    heal.run();

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(tags(reader.awaitAtLeast(expected.size(), Duration.ofSeconds(60))))
        .containsExactlyElementsOf(expected);
  }

  /** A started proxy in front of {@code database}, closed after the test. */
  private TcpProxy proxyTo(TestDatabase database) {
    URI uri = URI.create(database.url().substring(5));
    TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort());
    proxy.restore();
    cleanUp.add(proxy);
    return proxy;
  }

  private static TestDatabase viaProxy(TestDatabase database, TcpProxy proxy) {
    URI uri = URI.create(database.url().substring(5));
    return new TestDatabase(
        "jdbc:postgresql://127.0.0.1:" + proxy.port() + uri.getPath(),
        database.username(),
        database.password(),
        database.describe() + " via a proxy",
        database.real());
  }

  /** A store that runs a hook before each acknowledge. */
  private static final class ForwardingStore extends ForwardingBackingStore {

    private final Consumer<Claim> beforeAcknowledge;

    ForwardingStore(BackingStore delegate, Consumer<Claim> beforeAcknowledge) {
      super(delegate);
      this.beforeAcknowledge = beforeAcknowledge;
    }

    @Override
    public void acknowledge(Claim claim) {
      beforeAcknowledge.accept(claim);
      delegate.acknowledge(claim);
    }
  }
}
