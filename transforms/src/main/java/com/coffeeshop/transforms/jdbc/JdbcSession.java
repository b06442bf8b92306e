package com.coffeeshop.transforms.jdbc;

import com.coffeeshop.transforms.cdc.EffectRetries;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection for one DoFn instance, reopened when it breaks. Work that fails because the
 * database is unreachable is retried for the endpoint's retry budget ({@link EffectRetries}); after that the
 * exception propagates so the runner replays the bundle and nothing is lost.
 */
public final class JdbcSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSession.class);

  /** Work against the connection. */
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final JdbcEndpoint endpoint;
  private final FailsafeExecutor<Object> retry;
  private Connection connection;

  public JdbcSession(JdbcEndpoint endpoint) {
    this.endpoint = endpoint;
    this.retry = Failsafe.with(EffectRetries.policy("MySQL " + endpoint, endpoint.retryBudget(),
        JdbcSession::isTransient, this::closeQuietly));
  }

  /**
   * Whether an error can succeed when tried again later (the database unreachable, restarting, a lock
   * timeout or deadlock); anything else (a constraint, a privilege, bad data) fails the same way every
   * time and belongs in a dead-letter output, not in a retry loop.
   */
  public static boolean isTransient(Throwable e) {
    return e instanceof SQLTransientException || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException;
  }

  public <T> T run(Work<T> work) throws SQLException {
    try {
      return retry.get(() -> {
        if (connection == null || connection.isClosed()) {
          connection = endpoint.open();
        }
        return work.run(connection);
      });
    } catch (dev.failsafe.FailsafeException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw e;
    }
  }

  private void closeQuietly() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // already broken
    }
    connection = null;
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
