package com.coffeeshop.transforms.jdbc;

import java.util.List;
import org.apache.beam.sdk.io.jdbc.JdbcIO;

/** Builds JDBC URLs and JdbcIO connection settings for the landing zone, with UTC sessions. */
public final class LandingZoneJdbc {
  private LandingZoneJdbc() {}

  public static final String DRIVER = "org.mariadb.jdbc.Driver";

  /** Every session runs in UTC, so DATETIME values mean the same thing everywhere. */
  public static final String UTC_SESSION = "SET time_zone = '+00:00'";

  /** A MariaDB Connector/J URL; it also speaks to MySQL 8. */
  public static String url(String host, int port, String database) {
    return "jdbc:mariadb://" + host + ":" + port + "/" + database;
  }

  /**
   * Reads a password from the named environment variable.
   *
   * @throws IllegalArgumentException naming the variable when it is unset or empty
   */
  public static String passwordFromEnv(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "environment variable "
              + variable
              + " is not set; export the database password there (devstack/services.sh env prints"
              + " the local ones), or name another variable with --dbPasswordEnv (pipelines) or --db-password-env (tools)");
    }
    return value;
  }

  /** JdbcIO settings for the landing zone described by {@code options}. */
  public static JdbcIO.DataSourceConfiguration dataSource(LandingZoneOptions options) {
    return JdbcIO.DataSourceConfiguration.create(
            DRIVER, url(options.getDbHost(), options.getDbPort(), options.getDbName()))
        .withUsername(options.getDbUser())
        .withPassword(passwordFromEnv(options.getDbPasswordEnv()))
        .withConnectionInitSqls(List.of(UTC_SESSION));
  }
}
