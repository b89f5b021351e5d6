package io.auditrelay.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
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

  /**
   * {@code dataSource} as seen by code that closes its connections itself (Flyway): every
   * connection is {@link #borrow borrowed} with {@code networkTimeoutMillis} and gets its previous
   * network timeout back when it is closed.
   */
  static DataSource withNetworkTimeout(DataSource dataSource, int networkTimeoutMillis) {
    return new BoundedDataSource(dataSource, networkTimeoutMillis);
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

  /** A DataSource whose connections are borrowed and released as {@link Jdbc} does. */
  private static final class BoundedDataSource implements DataSource {

    private final DataSource delegate;
    private final int networkTimeoutMillis;

    BoundedDataSource(DataSource delegate, int networkTimeoutMillis) {
      this.delegate = delegate;
      this.networkTimeoutMillis = networkTimeoutMillis;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection connection = borrow(delegate, networkTimeoutMillis);
      return (Connection)
          Proxy.newProxyInstance(
              Jdbc.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close") && method.getParameterCount() == 0) {
                  closeQuietly(connection);
                  return null;
                }
                try {
                  return method.invoke(connection, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the audit store's connections have no login");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return type.isInstance(this) || delegate.isWrapperFor(type);
    }
  }
}
