package io.auditrelay.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Connection hand-back shared by the store's short transactions and its claim transactions. */
final class Jdbc {

  private Jdbc() {}

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

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing more to do
    }
  }
}
