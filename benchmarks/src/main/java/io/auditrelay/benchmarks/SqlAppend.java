package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code sql.append.throughput} on PostgreSQL, rows per second, one thread, batches of 100: ours is
 * {@code JdbcBackingStore.append}; the limit a raw JDBC batch insert into a TEXT column with one
 * commit per batch ({@code reWriteBatchedInserts}); the peer the go-bits pattern, {@code COUNT(*)}
 * then a single-row insert, on a table that holds 100,000 rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqlAppend {

  private final List<SerializedEvent> batch = Fixtures.serialized(100);
  private final String text = new String(Fixtures.eventBytes(), StandardCharsets.UTF_8);
  private String table;
  private String rawTable;
  private String peerTable;
  private BackingStore store;
  private Connection raw;
  private PreparedStatement rawInsert;
  private Connection peer;
  private PreparedStatement peerCount;
  private PreparedStatement peerInsert;

  @Setup(Level.Trial)
  public void open() throws Exception {
    table = Fixtures.unique("bench_append");
    rawTable = Fixtures.unique("bench_raw");
    peerTable = Fixtures.unique("bench_peer");
    store = Fixtures.sqlStore(table);
    String columns =
        " (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id VARCHAR(128) NOT NULL,"
            + " payload TEXT NOT NULL)";
    Fixtures.sql(
        "CREATE TABLE " + rawTable + columns,
        "CREATE TABLE " + peerTable + columns,
        "INSERT INTO "
            + peerTable
            + " (event_id, payload) SELECT md5(g::text), repeat('x', 700)"
            + " FROM generate_series(1, 100000) g");
    Properties properties = new Properties();
    properties.setProperty("user", Fixtures.POSTGRES_USER);
    properties.setProperty("reWriteBatchedInserts", "true");
    raw = DriverManager.getConnection(Fixtures.POSTGRES_URL, properties);
    raw.setAutoCommit(false);
    rawInsert =
        raw.prepareStatement("INSERT INTO " + rawTable + " (event_id, payload) VALUES (?, ?)");
    peer = DriverManager.getConnection(Fixtures.POSTGRES_URL, Fixtures.POSTGRES_USER, "");
    peerCount = peer.prepareStatement("SELECT COUNT(*) FROM " + peerTable);
    peerInsert =
        peer.prepareStatement("INSERT INTO " + peerTable + " (event_id, payload) VALUES (?, ?)");
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public void ours() {
    store.append(batch);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public void limitRawJdbcBatch() throws Exception {
    for (int i = 0; i < 100; i++) {
      rawInsert.setString(1, UUID.randomUUID().toString());
      rawInsert.setString(2, text);
      rawInsert.addBatch();
    }
    rawInsert.executeBatch();
    raw.commit();
  }

  @Benchmark
  public long peerCountPerInsert() throws Exception {
    long count;
    try (ResultSet rows = peerCount.executeQuery()) {
      rows.next();
      count = rows.getLong(1);
    }
    peerInsert.setString(1, UUID.randomUUID().toString());
    peerInsert.setString(2, text);
    peerInsert.executeUpdate();
    return count;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    store.close();
    raw.close();
    peer.close();
    Fixtures.sql(
        "DROP TABLE IF EXISTS \"" + table + "\"",
        "DROP TABLE IF EXISTS \"" + table + "_quarantine\"",
        "DROP TABLE IF EXISTS \"" + table + "_schema_history\"",
        "DROP TABLE IF EXISTS " + rawTable,
        "DROP TABLE IF EXISTS " + peerTable);
  }
}
