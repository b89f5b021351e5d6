package io.auditrelay.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.StoreParams;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The child JVM of the SQL pipeline crash oracle: four producers record through an Auditor on an
 * SQL store while its broker connection flaps (a {@link TcpProxy} in this JVM), and print {@code
 * ACK <key>} once an event's future completed. In {@code TRANSACTIONAL} mode each event is recorded
 * in a transaction that also inserts its key into a business table, and one transaction in four
 * rolls back: its event must never be published. Runs until killed.
 *
 * <p>Arguments: JDBC URL, user name, table, business table, broker host, port, user, password,
 * queue, delivery mode, seed.
 */
public final class SqlAuditorCrashChild {

  private SqlAuditorCrashChild() {}

  /** The pool both JVMs of the test use. */
  static HikariDataSource dataSource(String url, String username) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setMaximumPoolSize(8);
    return new HikariDataSource(config);
  }

  /** An Auditor on {@code table} of {@code dataSource}, as both JVMs of the test build it. */
  static Auditor auditor(
      DataSource dataSource,
      String table,
      String uri,
      String queue,
      DeliveryMode mode,
      @Nullable SigningKey key) {
    BackingStore store =
        new JdbcBackingStoreFactory(() -> dataSource, true)
            .create(new StoreParams("crash", "sql", Map.of("table_name", table, "batch_size", 50)));
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .deliveryMode(mode)
        .backingStore(store)
        .batchSize(20)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .confirmTimeout(Duration.ofSeconds(2))
        .connectionTimeout(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(5))
        .shutdownHook(false)
        .integrity(
            key == null
                ? null
                : Integrity.builder("crash@" + ProcessHandle.current().pid())
                    .signingKey(key)
                    .checkpointEvents(100)
                    .checkpointInterval(Duration.ofMillis(250))
                    .build())
        .build();
  }

  /**
   * The integrity key of a run, from the file named by {@code -Daudit.crash.integrity-key}; null
   * when it is not set.
   */
  static @Nullable SigningKey integrityKey() {
    String file = System.getProperty("audit.crash.integrity-key");
    return file == null ? null : SigningKey.fromPem(java.nio.file.Path.of(file));
  }

  public static void main(String[] args) throws Exception {
    String table = args[2];
    String business = args[3];
    AmqpBroker broker = new AmqpBroker(args[4], Integer.parseInt(args[5]), args[6], args[7], false);
    DeliveryMode mode = DeliveryMode.valueOf(args[9]);
    long seed = Long.parseLong(args[10]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    HikariDataSource dataSource = dataSource(args[0], args[1]);
    TcpProxy proxy = TcpProxy.to(broker);
    proxy.flapRandomly(seed);
    Auditor auditor =
        auditor(dataSource, table, broker.via(proxy).uri(), args[8], mode, integrityKey());
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      String producer = "s" + seed + "p" + p;
      SplittableRandom random = new SplittableRandom(seed + p);
      Runnable loop =
          mode == DeliveryMode.TRANSACTIONAL
              ? () -> transactions(auditor, jdbc, transaction, business, producer, random, out)
              : () -> bursts(auditor, producer, out);
      Thread thread = new Thread(loop, "producer-" + p);
      thread.start();
      producers.add(thread);
    }
    for (Thread thread : producers) {
      thread.join();
    }
  }

  private static void bursts(Auditor auditor, String producer, PrintStream out) {
    for (int n = 0; ; n += 20) {
      List<CompletableFuture<Void>> burst = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        burst.add(auditor.record(TestEvents.event(producer, n + k)));
      }
      for (int k = 0; k < 20; k++) {
        burst.get(k).join();
        ack(out, TestEvents.key(producer, n + k));
      }
    }
  }

  private static void transactions(
      Auditor auditor,
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      String business,
      String producer,
      SplittableRandom random,
      PrintStream out) {
    for (int n = 0; ; n++) {
      String key = TestEvents.key(producer, n);
      boolean rollBack = random.nextInt(4) == 0;
      int number = n;
      CompletableFuture<Void> future =
          transaction.execute(
              status -> {
                jdbc.update("INSERT INTO " + business + " (event_key) VALUES (?)", key);
                CompletableFuture<Void> recorded =
                    auditor.record(TestEvents.event(producer, number));
                if (rollBack) {
                  status.setRollbackOnly();
                }
                return recorded;
              });
      if (rollBack) {
        if (!future.isCancelled()) {
          throw new IllegalStateException("a rolled-back event's future is not cancelled: " + key);
        }
      } else {
        future.join();
        ack(out, key);
      }
    }
  }

  private static void ack(PrintStream out, String key) {
    synchronized (out) {
      out.println("ACK " + key);
      out.flush();
    }
  }
}
