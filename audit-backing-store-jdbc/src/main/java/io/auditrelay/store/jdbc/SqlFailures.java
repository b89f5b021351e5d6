package io.auditrelay.store.jdbc;

import io.auditrelay.secrets.Secrets;
import io.auditrelay.store.BackingStoreException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.springframework.dao.DataAccessException;

/**
 * The store's failures as messages that say what failed on which table, with the driver's reason
 * masked and short, never a secret nor an event's text (a failed batch's statement can hold whole
 * events).
 */
final class SqlFailures {

  private SqlFailures() {}

  /** {@code what} on {@code table} failed because of {@code e}. */
  static BackingStoreException failure(String table, String what, Exception e) {
    return new BackingStoreException(
        "sql store: " + what + " in table " + table + " failed: " + describe(e), e);
  }

  /**
   * The driver's message: a batch failure names its cause, not the batch; masked and cut to 300
   * characters, with the SQLState.
   */
  static String describe(Exception e) {
    Throwable root = e instanceof DataAccessException access ? access.getMostSpecificCause() : e;
    if (!(root instanceof SQLException sql)) {
      return cut(Secrets.maskUrl(String.valueOf(root.getMessage())));
    }
    SQLException cause =
        sql instanceof BatchUpdateException && sql.getNextException() != null
            ? sql.getNextException()
            : sql;
    return cut(Secrets.maskUrl(String.valueOf(cause.getMessage())))
        + " (SQLState "
        + cause.getSQLState()
        + ")";
  }

  private static String cut(String message) {
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }
}
