package io.auditrelay.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the store reaches its database: short transactions of its own ({@link TransactionTemplate}
 * over a {@link JdbcTemplate}), and claim transactions held open while a claim is published. Every
 * statement has the store's timeout, set once here; every connection the store borrows has a
 * network timeout of three statement timeouts (see {@link Jdbc}), so a database that stops
 * answering is given up on. Thread-safe.
 */
final class StoreDatabase {

  private final DataSource application;
  private final DataSource bounded;
  private final SqlDialect dialect;
  private final int timeoutSeconds;
  private final JdbcTemplate jdbc;
  private final JdbcTemplate callerJdbc;
  private final TransactionTemplate transactions;
  private final TransactionTemplate claimTransactions;

  /**
   * The store's access to {@code dataSource} (the application's, or the store's own pool), with a
   * statement timeout of {@code timeoutSeconds}.
   */
  StoreDatabase(DataSource dataSource, SqlDialect dialect, int timeoutSeconds) {
    this.application = dataSource;
    this.bounded = Jdbc.withNetworkTimeout(dataSource, timeoutSeconds * 3_000);
    this.dialect = dialect;
    this.timeoutSeconds = timeoutSeconds;
    this.jdbc = template(bounded, timeoutSeconds);
    this.callerJdbc = template(dataSource, timeoutSeconds);
    DataSourceTransactionManager manager = new DataSourceTransactionManager(bounded);
    this.transactions = new TransactionTemplate(manager);
    // Its own transaction, whatever the calling thread is part of.
    transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.claimTransactions = new TransactionTemplate(manager);
    claimTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    if (readsCommittedForClaims()) {
      claimTransactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }
  }

  /**
   * Statements with {@code timeoutSeconds}, whose failures are translated without a metadata lookup
   * (which would borrow a connection of a database that may be failing).
   */
  private static JdbcTemplate template(DataSource dataSource, int timeoutSeconds) {
    JdbcTemplate template = new JdbcTemplate(dataSource, true); // lazy: no metadata lookup
    template.setQueryTimeout(timeoutSeconds);
    template.setExceptionTranslator(new SQLExceptionSubclassTranslator());
    return template;
  }

  /**
   * On MariaDB and MySQL claims read committed rows only: under their default (repeatable read) a
   * locking read would also lock the gap at the end of the table and hold back every insert while
   * the claim is published. PostgreSQL and H2 read committed by default.
   */
  private boolean readsCommittedForClaims() {
    return dialect == SqlDialect.MARIADB || dialect == SqlDialect.MYSQL;
  }

  /** The DataSource the store was given: the one the caller's transactions use. */
  DataSource application() {
    return application;
  }

  SqlDialect dialect() {
    return dialect;
  }

  int timeoutSeconds() {
    return timeoutSeconds;
  }

  /** Statements outside a transaction (auto-commit), such as the exact count. */
  JdbcOperations jdbc() {
    return jdbc;
  }

  /**
   * Statements in the caller's transaction on {@link #application()} (the outbox): they join the
   * connection Spring bound to the thread.
   */
  JdbcOperations callerJdbc() {
    return callerJdbc;
  }

  /**
   * Runs {@code work} in a short transaction of its own; rolls back on any failure.
   *
   * @throws DataAccessException when a statement, the connection or the commit failed
   */
  <T> T inTransaction(Function<JdbcOperations, T> work) {
    return run(transactions, work);
  }

  /** Like {@link #inTransaction}, reading committed rows only (claims). */
  <T> T inClaimTransaction(Function<JdbcOperations, T> work) {
    return run(claimTransactions, work);
  }

  private <T> T run(TransactionTemplate template, Function<JdbcOperations, T> work) {
    try {
      return template.execute(status -> work.apply(jdbc));
    } catch (TransactionException e) {
      // Begin, commit or rollback failed: one kind of failure for the callers, as a statement's.
      throw new DataAccessResourceFailureException(e.getMessage(), e);
    }
  }

  /**
   * A claim transaction that stays open after this returns, for rows locked while they are
   * published; the caller commits or abandons it.
   */
  OpenClaim beginClaim() throws SQLException {
    Connection connection = Jdbc.borrow(application, timeoutSeconds * 3_000);
    try {
      connection.setAutoCommit(false);
      JdbcTemplate held =
          template(new SingleConnectionDataSource(connection, true), timeoutSeconds);
      if (readsCommittedForClaims()) {
        // For this transaction only: the pooled connection keeps its own level afterwards.
        held.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      }
      return new OpenClaim(connection, held);
    } catch (SQLException | RuntimeException e) {
      Jdbc.rollbackAndRelease(connection);
      throw e;
    }
  }
}
