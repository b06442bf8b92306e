package com.coffeeshop.transforms.jdbc;

import com.coffeeshop.transforms.cdc.EffectRetries;
import java.io.Serializable;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A landing-zone connection description that DoFns and JDBC sources carry to workers. It holds where
 * the password is (a file, or else an environment variable), never the password itself: the secret
 * is read on the worker when a connection opens, so it is in no serialized option, graph or UI.
 *
 * @param passwordFile a file holding the password (e.g. a mounted Docker/Kubernetes secret); null to
 *     use {@code passwordEnv}
 * @param retryBudget how long the streaming job's work that cannot reach the database is retried before it
 *     fails ({@link JdbcSession})
 */
public record JdbcEndpoint(String host, int port, String database, String user, String passwordEnv,
    String passwordFile, Duration retryBudget) implements Serializable {

  public JdbcEndpoint(String host, int port, String database, String user, String passwordEnv) {
    this(host, port, database, user, passwordEnv, null);
  }

  public JdbcEndpoint(String host, int port, String database, String user, String passwordEnv, String passwordFile) {
    this(host, port, database, user, passwordEnv, passwordFile, EffectRetries.DEFAULT_BUDGET);
  }

  /** The same database, its work retried for {@code budget}. */
  public JdbcEndpoint withRetryBudget(Duration budget) {
    return new JdbcEndpoint(host, port, database, user, passwordEnv, passwordFile, budget);
  }

  /** The password, read here (on the worker); fails naming the variable or file and what to do. */
  public String password() {
    return passwordFile != null ? Secrets.fromFile(passwordFile) : Secrets.fromEnv(passwordEnv);
  }

  /** Fails at once, with the reason, when the password cannot be read in this JVM. */
  public JdbcEndpoint requirePassword() {
    password();
    return this;
  }

  /** Opens a UTC session. */
  public Connection open() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password());
    props.setProperty("connectTimeout", "2000");
    // Affected rows, not found rows: an upsert that changed nothing reports 0.
    props.setProperty("useAffectedRows", "true");
    // One count per batched statement (the bulk protocol reports none).
    props.setProperty("useBulkStmts", "false");
    Connection c = DriverManager.getConnection(LandingZoneJdbc.url(host, port, database), props);
    try (Statement s = c.createStatement()) {
      s.execute(LandingZoneJdbc.UTC_SESSION);
    }
    return c;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }
}
