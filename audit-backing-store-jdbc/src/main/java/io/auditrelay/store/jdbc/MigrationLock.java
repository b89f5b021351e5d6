package io.auditrelay.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A lock that one replica at a time holds while it migrates the tables of one audit table name: a
 * session-level advisory lock on PostgreSQL ({@code pg_advisory_lock}), a named lock on MariaDB and
 * MySQL ({@code GET_LOCK}), a lock in the JVM for H2 (embedded: one process). The database locks
 * end with their session, so a replica that dies while migrating frees them.
 */
final class MigrationLock implements AutoCloseable {

  /** Seconds a MariaDB or MySQL replica waits for another's migration. */
  private static final int WAIT_SECONDS = 60;

  private static final Map<String, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final @Nullable Connection connection;
  private final @Nullable String release;
  private final @Nullable Object key;
  private final @Nullable ReentrantLock local;

  private MigrationLock(
      @Nullable Connection connection,
      @Nullable String release,
      @Nullable Object key,
      @Nullable ReentrantLock local) {
    this.connection = connection;
    this.release = release;
    this.key = key;
    this.local = local;
  }

  /** Waits for and takes the migration lock of {@code tableName}. */
  static MigrationLock take(DataSource dataSource, SqlDialect dialect, String tableName)
      throws SQLException {
    if (dialect == SqlDialect.H2) {
      ReentrantLock local = IN_JVM.computeIfAbsent(tableName, t -> new ReentrantLock());
      local.lock();
      return new MigrationLock(null, null, null, local);
    }
    String name = "audit_migrate_" + tableName; // at most 62 characters: MySQL allows 64
    Connection connection = dataSource.getConnection();
    try {
      if (dialect == SqlDialect.POSTGRESQL) {
        long key = name.hashCode(); // a collision only makes two tables take turns
        run(connection, "SELECT pg_advisory_lock(?)", key);
        return new MigrationLock(connection, "SELECT pg_advisory_unlock(?)", key, null);
      }
      try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
        statement.setString(1, name);
        statement.setInt(2, WAIT_SECONDS);
        try (ResultSet result = statement.executeQuery()) {
          if (!result.next() || result.getInt(1) != 1) {
            throw new SQLException(
                "another replica held the migration lock " + name + " for " + WAIT_SECONDS + " s");
          }
        }
      }
      return new MigrationLock(connection, "SELECT RELEASE_LOCK(?)", name, null);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static void run(Connection connection, String sql, Object key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, key);
      statement.executeQuery().close();
    }
  }

  @Override
  public void close() throws SQLException {
    if (local != null) {
      local.unlock();
      return;
    }
    if (connection == null || release == null) {
      return;
    }
    try {
      run(connection, release, key);
    } finally {
      connection.close(); // ending the session frees the lock anyway
    }
  }
}
