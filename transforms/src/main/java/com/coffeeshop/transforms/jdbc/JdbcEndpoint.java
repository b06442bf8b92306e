package com.coffeeshop.transforms.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A landing-zone connection description that DoFns carry to workers. The password is looked up
 * from the named environment variable when a connection opens, so it never travels in the graph.
 */
public record JdbcEndpoint(String host, int port, String database, String user, String passwordEnv)
    implements Serializable {

  public static JdbcEndpoint of(LandingZoneOptions o) {
    LandingZoneJdbc.passwordFromEnv(o.getDbPasswordEnv()); // fail at launch, not on a worker
    return new JdbcEndpoint(o.getDbHost(), o.getDbPort(), o.getDbName(), o.getDbUser(), o.getDbPasswordEnv());
  }

  /** Opens a UTC session. */
  public Connection open() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", LandingZoneJdbc.passwordFromEnv(passwordEnv));
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
