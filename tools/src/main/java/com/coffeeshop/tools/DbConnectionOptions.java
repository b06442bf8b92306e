package com.coffeeshop.tools;

import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/**
 * Connection options shared by the tools. Defaults come from the COFFEE_DB_* environment that
 * {@code devstack/services.sh env} prints; the password is read from the environment variable that
 * {@code --db-password-env} names, never from the command line.
 */
public class DbConnectionOptions {
  @Option(
      names = "--db-host",
      defaultValue = "${env:COFFEE_DB_HOST:-127.0.0.1}",
      description = "Database host (default: $COFFEE_DB_HOST or ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--db-port",
      defaultValue = "${env:COFFEE_DB_PORT:-3306}",
      description = "Database port (default: $COFFEE_DB_PORT or ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--db-name",
      defaultValue = "${env:COFFEE_DB_NAME:-coffeeshop}",
      description = "Database (schema) name (default: $COFFEE_DB_NAME or ${DEFAULT-VALUE}).")
  String database;

  @Option(names = "--db-user", description = "Database user (default depends on the command).")
  String user;

  @Option(
      names = "--db-password-env",
      description = "Environment variable holding the user's password (default depends on the command).")
  String passwordEnv;

  /** Fills the user and password variable a command uses when the caller gave none. */
  public DbConnectionOptions withDefaults(String defaultUser, String defaultPasswordEnv) {
    if (user == null) {
      user = defaultUser;
    }
    if (passwordEnv == null) {
      passwordEnv = defaultPasswordEnv;
    }
    return this;
  }

  /** Opens a UTC session on the configured database. */
  public Connection connect() throws SQLException {
    return connect(database);
  }

  /** Opens a UTC session; {@code databaseOrEmpty} may be "" to connect without a default schema. */
  public Connection connect(String databaseOrEmpty) throws SQLException {
    return endpoint(databaseOrEmpty).open();
  }

  /** The same connection description the pipelines use, so the password is read the same way. */
  public JdbcEndpoint endpoint() {
    return endpoint(database);
  }

  private JdbcEndpoint endpoint(String databaseOrEmpty) {
    return new JdbcEndpoint(host, port, databaseOrEmpty, user, passwordEnv);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }
}
