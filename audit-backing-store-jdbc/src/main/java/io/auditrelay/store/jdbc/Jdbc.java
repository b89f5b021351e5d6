package io.auditrelay.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Connection borrowing and hand-back shared by the store's short transactions and its claim
 * transactions.
 *
 * <p>A statement timeout alone does not bound a wait: it is enforced by the server (or by a cancel
 * request the driver sends to it), so a database that stops answering on the network (a black hole,
 * a hung host) would hold the calling thread, and with it the whole pipeline, forever. Every
 * borrowed connection therefore gets a network timeout (JDBC {@link Connection#setNetworkTimeout})
 * for as long as the store holds it, and its previous value back when it is released, so the
 * application's own connections are left as they were.
 */
final class Jdbc {

  /** Runs a driver's abort in the thread that found the timeout; nothing else waits for it. */
  private static final Executor ABORT_IN_PLACE = Runnable::run;

  /** Network timeouts to give back, by borrowed connection (pool proxies compare by identity). */
  private static final Map<Connection, Integer> PREVIOUS = new ConcurrentHashMap<>();

  private Jdbc() {}

  /**
   * Borrows a connection from {@code dataSource} whose blocking reads give up after {@code
   * networkTimeoutMillis} (or sooner, when the connection already had a shorter network timeout).
   * Hand it back with {@link #release} or {@link #rollbackAndRelease}.
   */
  static Connection borrow(DataSource dataSource, int networkTimeoutMillis) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      int previous = connection.getNetworkTimeout();
      if (previous == 0 || previous > networkTimeoutMillis) {
        connection.setNetworkTimeout(ABORT_IN_PLACE, networkTimeoutMillis);
        PREVIOUS.put(connection, previous);
      }
    } catch (java.sql.SQLFeatureNotSupportedException | AbstractMethodError e) {
      // a driver without network timeouts (H2 in memory has no network)
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
    return connection;
  }

  /** After a commit: restores auto-commit and closes (returns to the pool). */
  static void release(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      // the pool resets or evicts it
    }
    closeQuietly(connection);
  }

  /**
   * After a failure: rolls back and closes. When the rollback itself fails the connection is closed
   * as it is, never switched to auto-commit (which would commit); the database rolls back an open
   * transaction when its connection ends, and pools roll back on return.
   */
  static void rollbackAndRelease(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      closeQuietly(connection);
      return;
    }
    release(connection);
  }

  /** Gives a borrowed connection its network timeout back and returns it to the pool. */
  static void closeQuietly(Connection connection) {
    Integer previous = PREVIOUS.remove(connection);
    try {
      if (previous != null && !connection.isClosed()) {
        connection.setNetworkTimeout(ABORT_IN_PLACE, previous);
      }
    } catch (SQLException e) {
      // closed by the timeout: the pool evicts it
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing more to do
    }
  }
}
