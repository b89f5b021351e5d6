package io.auditrelay.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A quick same-run comparison on one PostgreSQL, not a benchmark (JMH benchmarks are issue #7):
 * batches of 100 events of 1 KiB, for a few seconds each, three rounds, medians:
 *
 * <ul>
 *   <li>ours: {@link JdbcBackingStore#append} (one transaction per batch);
 *   <li>limit: a raw JDBC batch insert of the same rows into a TEXT column, one commit per batch,
 *       {@code reWriteBatchedInserts=true};
 *   <li>peer: the go-bits pattern, {@code SELECT COUNT(*)} then a single-row insert per event, with
 *       a backlog of 100,000 rows.
 * </ul>
 *
 * Run: {@code java -cp <test classpath> io.auditrelay.store.jdbc.SqlStoreThroughputProbe SECONDS}
 * (PostgreSQL from {@code AUDIT_IT_POSTGRES_URL} or 127.0.0.1:5432/test).
 */
public final class SqlStoreThroughputProbe {

  private static final int BATCH = 100;
  private static final String PAYLOAD = "{\"pad\":\"" + "x".repeat(1000) + "\"}";

  private SqlStoreThroughputProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    TestDatabase postgres = TestDatabase.postgres();
    String table = TestDatabase.uniqueTable("probe");
    String raw = TestDatabase.uniqueTable("probe_raw");
    String peer = TestDatabase.uniqueTable("probe_peer");
    try (HikariDataSource ds = rawPool(postgres)) {
      postgres.execute(
          "CREATE TABLE "
              + raw
              + " (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " event_id VARCHAR(128) NOT NULL, payload TEXT NOT NULL)");
      postgres.execute(
          "CREATE TABLE "
              + peer
              + " (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " event_id VARCHAR(128) NOT NULL, payload TEXT NOT NULL)");
      postgres.execute(
          "INSERT INTO "
              + peer
              + " (event_id, payload) SELECT md5(g::text), repeat('x', 1000)"
              + " FROM generate_series(1, 100000) g");
      List<double[]> rounds = new ArrayList<>();
      try (BackingStore store = postgres.open(table, Map.of())) {
        for (int round = 0; round < 3; round++) {
          double ours = rate(seconds, () -> store.append(batch()), BATCH);
          double limit = rate(seconds, () -> rawBatch(ds, raw), BATCH);
          double go = rate(seconds, () -> countThenInsert(ds, peer), 1);
          rounds.add(new double[] {ours, limit, go});
          System.out.printf(
              "round %d: ours %.0f rows/s, raw JDBC batch %.0f rows/s, count-per-insert at 100k"
                  + " %.0f rows/s%n",
              round, ours, limit, go);
          postgres.execute("TRUNCATE " + postgres.quote(table));
          postgres.execute("TRUNCATE " + raw);
        }
      }
      double ours = median(rounds, 0);
      double limit = median(rounds, 1);
      double go = median(rounds, 2);
      System.out.printf(
          "median: ours %.0f, limit %.0f, peer %.0f rows/s; ours/limit %.2f, ours/peer %.1f%n",
          ours, limit, go, ours / limit, ours / go);
    } finally {
      postgres.drop(table);
      postgres.execute("DROP TABLE IF EXISTS " + raw);
      postgres.execute("DROP TABLE IF EXISTS " + peer);
    }
  }

  interface Step {
    void run() throws Exception;
  }

  private static double rate(int seconds, Step step, int rowsPerStep) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    long rows = 0;
    while (System.nanoTime() < end) {
      step.run();
      rows += rowsPerStep;
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  private static List<SerializedEvent> batch() {
    List<SerializedEvent> batch = new ArrayList<>(BATCH);
    byte[] payload = PAYLOAD.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < BATCH; i++) {
      batch.add(new SerializedEvent(UUID.randomUUID().toString(), payload));
    }
    return batch;
  }

  private static void rawBatch(HikariDataSource ds, String table) throws Exception {
    try (Connection connection = ds.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO " + table + " (event_id, payload) VALUES (?, ?)")) {
        for (int i = 0; i < BATCH; i++) {
          insert.setString(1, UUID.randomUUID().toString());
          insert.setString(2, PAYLOAD);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }
  }

  private static void countThenInsert(HikariDataSource ds, String table) throws Exception {
    try (Connection connection = ds.getConnection()) {
      try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
          ResultSet rows = count.executeQuery()) {
        rows.next();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO " + table + " (event_id, payload) VALUES (?, ?)")) {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setString(2, PAYLOAD);
        insert.executeUpdate();
      }
    }
  }

  private static HikariDataSource rawPool(TestDatabase postgres) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(postgres.url());
    config.setUsername(postgres.username());
    config.setPassword(postgres.password());
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }

  private static double median(List<double[]> rounds, int column) {
    double[] values = rounds.stream().mapToDouble(r -> r[column]).toArray();
    Arrays.sort(values);
    return values[values.length / 2];
  }
}
