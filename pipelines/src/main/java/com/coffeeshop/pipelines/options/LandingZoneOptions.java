package com.coffeeshop.pipelines.options;

import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where the landing-zone database is. The password is never an option value (it would show in runner
 * UIs, logs and serialized options): the options name the environment variable, or the file, that
 * holds it on every process that connects, and it is read there.
 */
public interface LandingZoneOptions extends PipelineOptions {
  @Description("MySQL/MariaDB host of the landing zone")
  @Default.String("127.0.0.1")
  String getDbHost();

  void setDbHost(String value);

  @Description("MySQL/MariaDB port of the landing zone")
  @Default.Integer(3306)
  int getDbPort();

  void setDbPort(int value);

  @Description("Database (schema) name of the landing zone")
  @Default.String("coffeeshop")
  String getDbName();

  void setDbName(String value);

  @Description("Database user; the batch pipelines should use the read-only batch user")
  @Default.String("coffee_batch")
  String getDbUser();

  void setDbUser(String value);

  @Description("Name of the environment variable that holds the database user's password (on every worker)")
  @Default.String("COFFEE_BATCH_PASSWORD")
  String getDbPasswordEnv();

  void setDbPasswordEnv(String value);

  @Description("A file holding the database password (a mounted secret), read on every worker; overrides"
      + " --dbPasswordEnv")
  String getDbPasswordFile();

  void setDbPasswordFile(String value);

  /** The endpoint DoFns and sources carry to workers: where the password is, never the password. */
  static JdbcEndpoint endpoint(LandingZoneOptions o) {
    return new JdbcEndpoint(o.getDbHost(), o.getDbPort(), o.getDbName(), o.getDbUser(), o.getDbPasswordEnv(),
        o.getDbPasswordFile());
  }
}
