package io.auditrelay.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorBuilder;
import io.auditrelay.integrity.Digests;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreParams;
import io.auditrelay.store.file.FileBackingStoreFactory;
import io.auditrelay.store.jdbc.JdbcBackingStoreFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** What every benchmark shares: the servers, the event, stores, Auditors, raw connections. */
final class Fixtures {

  /** {@code AUDIT_BENCH_RABBITMQ_URL}, default the local RabbitMQ. */
  static final String RABBIT_URI =
      System.getenv().getOrDefault("AUDIT_BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672");

  /** {@code AUDIT_BENCH_POSTGRES_URL}, default the local PostgreSQL; user postgres. */
  static final String POSTGRES_URL =
      System.getenv()
          .getOrDefault("AUDIT_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");

  static final String POSTGRES_USER =
      System.getenv().getOrDefault("AUDIT_BENCH_POSTGRES_USER", "postgres");

  /** A typical event: what a service records for one change, about 700 bytes serialized. */
  static CadfEvent event() {
    return CadfEvent.builder()
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiator(
            Resource.builder(
                    "0ca8f6b6a3f54d2c9c7a5a6a6a1b0c9d", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                .name("alice")
                .build())
        .target(
            Resource.builder("6f0c3c5e-7c1b-4a3e-9d2f-2f6e2a9a1c11", ResourceTypes.COMPUTE_MACHINE)
                .name("web-frontend-17")
                .build())
        .observer(Resource.builder("audit-bench", "service").name("audit-bench").build())
        .tag("project?value=3a9c1f6e0b2d4c8e9f7a6b5c4d3e2f1a")
        .build();
  }

  /**
   * {@link #event()} with a plain attachment exactly as large as the integrity stamp an Auditor of
   * {@link #auditor(String, BackingStore, boolean)} adds: recorded without integrity, it tells the
   * cost of integrity's work from the cost of its bytes.
   */
  static CadfEvent eventWithStampSizedPad() {
    CadfEvent event = event();
    CadfEvent complete = event.withDefaults(java.time.Clock.systemUTC(), event.observer());
    int stamped =
        CadfJson.write(
                complete.toBuilder()
                    .attachment(
                        IntegrityStamp.attachment(
                            STREAM,
                            "0".repeat(16),
                            IntegrityStamp.seqText(0),
                            Digests.ZERO,
                            SIGNING_KEY.keyId(),
                            Digests.ZERO))
                    .build())
            .length;
    int emptyPad =
        CadfJson.write(
                complete.toBuilder().attachment(new Attachment("text/plain", "pad", "")).build())
            .length;
    return event.toBuilder()
        .attachment(new Attachment("text/plain", "pad", "x".repeat(stamped - emptyPad)))
        .build();
  }

  /** The serialized bytes of {@link #event()} with a fresh id: what raw loops write or publish. */
  static byte[] eventBytes() {
    CadfEvent event = event();
    return CadfJson.write(event.withDefaults(java.time.Clock.systemUTC(), event.observer()));
  }

  static SerializedEvent serialized() {
    return new SerializedEvent(UUID.randomUUID().toString(), eventBytes());
  }

  static List<SerializedEvent> serialized(int count) {
    List<SerializedEvent> batch = new ArrayList<>(count);
    byte[] payload = eventBytes();
    for (int i = 0; i < count; i++) {
      batch.add(new SerializedEvent(UUID.randomUUID().toString(), payload));
    }
    return batch;
  }

  /** Appends {@code events} events to {@code store} in batches of 1,000, as a backlog. */
  static void fill(BackingStore store, int events) {
    List<SerializedEvent> batch = serialized(1000);
    for (int i = 0; i < events; i += 1000) {
      store.append(batch.subList(0, Math.min(1000, events - i)));
    }
  }

  static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file store in {@code dir}: 64 MiB segments, 32 GiB capacity, the given fsync policy. */
  static BackingStore fileStore(Path dir, String fsync) {
    return new FileBackingStoreFactory()
        .create(
            new StoreParams(
                "bench",
                "file",
                Map.of(
                    "directory",
                    dir.resolve("store").toString(),
                    "fsync",
                    fsync,
                    "max_file_size",
                    "64MiB",
                    "max_total_size",
                    "32GiB")));
  }

  /** A memory store of up to 1,000,000 events. */
  static BackingStore memoryStore() {
    return new io.auditrelay.store.memory.MemoryBackingStoreFactory()
        .create(new StoreParams("bench", "memory", Map.of("max_events", 1_000_000)));
  }

  /** An SQL store on the benchmark PostgreSQL, on its own pool. */
  static BackingStore sqlStore(String table) {
    return new JdbcBackingStoreFactory()
        .create(
            new StoreParams(
                "bench",
                "sql",
                Map.of(
                    "url",
                    POSTGRES_URL,
                    "username",
                    POSTGRES_USER,
                    "table_name",
                    table,
                    "batch_size",
                    1000,
                    "max_events",
                    100_000_000)));
  }

  /** The signing key of the benchmarks with integrity on: one per JVM. */
  private static final SigningKey SIGNING_KEY = SigningKey.generate();

  /** The integrity stream of the benchmark Auditors. */
  private static final String STREAM = "bench@" + ProcessHandle.current().pid();

  /**
   * An Auditor builder for the benchmark broker and {@code queue}, with the verifiable trail when
   * {@code integrity} (one key per JVM, the default checkpoints: every 10,000 events or 1 s).
   */
  static AuditorBuilder auditor(String queue, BackingStore store, boolean integrity) {
    return auditor(queue, store)
        .integrity(integrity ? Integrity.builder(STREAM).signingKey(SIGNING_KEY).build() : null);
  }

  /** An Auditor builder for the benchmark broker and {@code queue}. */
  static AuditorBuilder auditor(String queue, BackingStore store) {
    return Auditor.builder()
        .rabbitUri(RABBIT_URI)
        .queueName(queue)
        .backingStore(store)
        .queueCapacity(100_000)
        .batchSize(Integer.getInteger("audit.bench.batch-size", 100))
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(500))
        .shutdownTimeout(Duration.ofSeconds(60))
        .shutdownHook(false);
  }

  /** A raw amqp-client connection to the benchmark broker. */
  static Connection rabbitConnection() {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(URI.create(RABBIT_URI));
      return factory.newConnection("audit-bench-raw");
    } catch (Exception e) {
      throw new IllegalStateException("RabbitMQ at " + URI.create(RABBIT_URI).getHost(), e);
    }
  }

  /** Declares the durable queue the Auditor also declares. */
  static void declare(Channel channel, String queue) throws IOException {
    channel.queueDeclare(queue, true, false, false, null);
  }

  /**
   * The message properties the Auditor sends by default: persistent, a message id, JSON in UTF-8,
   * the time of publishing. The raw publishers send them too, so that the broker does the same work
   * for both sides (with a {@code timestamp}, a classic queue tracks its oldest message's, at a
   * cost per message).
   */
  static AMQP.BasicProperties properties() {
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .messageId(UUID.randomUUID().toString())
        .contentType("application/json")
        .contentEncoding("UTF-8")
        .timestamp(new java.util.Date())
        .build();
  }

  /** Empties a queue: the broker keeps what it is given, from one iteration to the next. */
  static void purge(String queue) throws IOException {
    try (Connection connection = rabbitConnection();
        Channel channel = connection.createChannel()) {
      declare(channel, queue);
      channel.queuePurge(queue);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** Deletes a queue, best effort. */
  static void deleteQueue(String queue) {
    try (Connection connection = rabbitConnection();
        Channel channel = connection.createChannel()) {
      channel.queueDelete(queue);
    } catch (Exception e) {
      // best effort
    }
  }

  /** Drops an SQL store's tables (events, quarantine, migration history), if they exist. */
  static void dropSqlStore(String table) {
    sql(
        "DROP TABLE IF EXISTS \"" + table + "\"",
        "DROP TABLE IF EXISTS \"" + table + "_quarantine\"",
        "DROP TABLE IF EXISTS \"" + table + "_schema_history\"");
  }

  /** Runs SQL on the benchmark PostgreSQL. */
  static void sql(String... statements) {
    try (java.sql.Connection connection =
            DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Every {@code audit.bench.*} property of this JVM, as {@code -D} options for another. */
  static List<String> benchProperties() {
    List<String> options = new ArrayList<>();
    System.getProperties()
        .stringPropertyNames()
        .forEach(
            name -> {
              if (name.startsWith("audit.bench.")) {
                options.add("-D" + name + "=" + System.getProperty(name));
              }
            });
    return options;
  }

  /** The benchmarks' jar (or classes directory). */
  static Path jar() {
    try {
      return Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The command of a child JVM running {@code main} with {@code args} on the benchmarks' jar plus
   * {@code classpath} (may be empty), with {@code options} and every {@code audit.bench.*} property
   * of this JVM.
   */
  static List<String> childJvm(
      List<String> options, String classpath, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(benchProperties());
    command.add("-cp");
    command.add(
        classpath.isEmpty() ? jar().toString() : jar() + java.io.File.pathSeparator + classpath);
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  static String unique(String prefix) {
    return prefix + "_" + Long.toHexString(System.nanoTime());
  }

  private Fixtures() {}
}
