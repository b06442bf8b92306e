package com.coffeeshop.transforms.jdbc;

import java.util.List;
import javax.sql.DataSource;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.SerializableFunction;

/** JDBC URLs and JdbcIO connection settings for the landing zone, with UTC sessions. */
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
   * A JdbcIO data-source provider for {@code endpoint}: what travels to workers is the endpoint (where
   * the password is, not the password); the pooled data source is built on the worker, with the
   * password read there. Use with {@code JdbcIO.read().withDataSourceProviderFn(...)}.
   */
  public static SerializableFunction<Void, DataSource> dataSource(JdbcEndpoint endpoint) {
    if (endpoint.passwordFile() == null) {
      endpoint.requirePassword(); // a missing variable fails at launch, not minutes later on a worker
    }
    return new WorkerDataSource(endpoint);
  }

  /** Builds the data source on first use in each worker JVM (JdbcIO caches one pool per configuration). */
  static final class WorkerDataSource implements SerializableFunction<Void, DataSource> {
    private final JdbcEndpoint endpoint;

    WorkerDataSource(JdbcEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public DataSource apply(Void input) {
      JdbcIO.DataSourceConfiguration config = JdbcIO.DataSourceConfiguration
          .create(DRIVER, url(endpoint.host(), endpoint.port(), endpoint.database()))
          .withUsername(endpoint.user())
          .withPassword(endpoint.password())
          .withConnectionInitSqls(List.of(UTC_SESSION));
      return JdbcIO.PoolableDataSourceProvider.of(config).apply(null);
    }

    @Override
    public String toString() {
      return "landing zone " + endpoint;
    }
  }
}
