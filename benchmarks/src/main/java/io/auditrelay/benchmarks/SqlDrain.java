package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.Claim;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code sql.drain.throughput} on PostgreSQL: the time to take a backlog (default 100,000 rows) out
 * of the table in batches of 100: ours claims and acknowledges through the store; the limit runs
 * raw {@code DELETE ... WHERE seq IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING payload}
 * batches. Single shot; the runner turns the time into rows per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SqlDrain {

  @Param("100000")
  public int backlog;

  private String table;
  private BackingStore store;

  @Setup(Level.Iteration)
  public void fill() {
    table = Fixtures.unique("bench_drain");
    store = Fixtures.sqlStore(table);
    Fixtures.fill(store, backlog);
  }

  @Benchmark
  public int ours() {
    int drained = 0;
    Claim claim;
    while (!(claim = store.claim(100)).isEmpty()) {
      drained += claim.size();
      store.acknowledge(claim);
    }
    return drained;
  }

  @Benchmark
  public int limitDeleteSkipLockedReturning() throws Exception {
    int drained = 0;
    try (Connection connection =
            DriverManager.getConnection(Fixtures.POSTGRES_URL, Fixtures.POSTGRES_USER, "");
        PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM \""
                    + table
                    + "\" WHERE seq IN (SELECT seq FROM \""
                    + table
                    + "\" ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING payload")) {
      connection.setAutoCommit(false);
      while (true) {
        int rows = 0;
        try (ResultSet result = delete.executeQuery()) {
          while (result.next()) {
            result.getString(1);
            rows++;
          }
        }
        connection.commit();
        if (rows == 0) {
          return drained;
        }
        drained += rows;
      }
    }
  }

  /**
   * The control with ours' guarantee: rows locked ({@code SELECT ... FOR UPDATE SKIP LOCKED}) while
   * they would be published, deleted when confirmed, then committed; a crash in between rolls back
   * and the rows stay. One round trip more per batch than {@link #limitDeleteSkipLockedReturning},
   * whose rows are gone at its commit, before anything could be confirmed.
   */
  @Benchmark
  public int limitLockThenDelete() throws Exception {
    int drained = 0;
    try (Connection connection =
            DriverManager.getConnection(Fixtures.POSTGRES_URL, Fixtures.POSTGRES_USER, "");
        PreparedStatement lock =
            connection.prepareStatement(
                "SELECT seq, payload FROM \""
                    + table
                    + "\" ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED");
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM \"" + table + "\" WHERE seq = ANY(?)")) {
      connection.setAutoCommit(false);
      while (true) {
        List<Long> seqs = new ArrayList<>(100);
        try (ResultSet result = lock.executeQuery()) {
          while (result.next()) {
            seqs.add(result.getLong(1));
            result.getString(2);
          }
        }
        if (seqs.isEmpty()) {
          connection.commit();
          return drained;
        }
        delete.setArray(1, connection.createArrayOf("bigint", seqs.toArray()));
        delete.executeUpdate();
        connection.commit();
        drained += seqs.size();
      }
    }
  }

  @TearDown(Level.Iteration)
  public void drop() {
    store.close();
    Fixtures.dropSqlStore(table);
  }
}
