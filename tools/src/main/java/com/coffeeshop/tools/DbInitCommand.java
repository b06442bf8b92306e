package com.coffeeshop.tools;

import com.coffeeshop.schemas.LandingZone;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Creates the landing-zone database, its tables and its least-privilege users. Idempotent: running it
 * again changes nothing but the users' passwords (taken afresh from the environment).
 */
@Command(
    name = "db-init",
    mixinStandardHelpOptions = true,
    description = "Create the landing-zone schema and its users (run as an admin account).")
public class DbInitCommand implements Callable<Integer> {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,64}");

  @Mixin DbConnectionOptions db;

  @Option(names = "--app-user", defaultValue = "coffee_app", description = "Generator and write-back user.")
  String appUser;

  @Option(names = "--batch-user", defaultValue = "coffee_batch", description = "Read-only batch user.")
  String batchUser;

  @Option(names = "--cdc-user", defaultValue = "coffee_cdc", description = "Debezium replication user.")
  String cdcUser;

  @Option(names = "--schema-only", description = "Create the tables but no users.")
  boolean schemaOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException {
    db.withDefaults(envOr("COFFEE_DB_ADMIN_USER", "root"), "COFFEE_DB_ADMIN_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    for (String name : new String[] {db.database, appUser, batchUser, cdcUser}) {
      requireIdentifier(name);
    }
    try (Connection c = db.connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS `" + db.database + "` CHARACTER SET utf8mb4");
    }
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      for (String stmt : LandingZone.schemaStatements()) {
        s.execute(stmt);
      }
      addCaptureColumn(c, out);
      out.printf("schema %s: %d tables ready%n", db.database, LandingZone.TABLES.size());
      if (!schemaOnly) {
        Map<String, String> values =
            Map.of(
                "DB", db.database,
                "APP_USER", appUser,
                "APP_PASSWORD", sqlString(requireEnv("COFFEE_APP_PASSWORD")),
                "BATCH_USER", batchUser,
                "BATCH_PASSWORD", sqlString(requireEnv("COFFEE_BATCH_PASSWORD")),
                "CDC_USER", cdcUser,
                "CDC_PASSWORD", sqlString(requireEnv("COFFEE_CDC_PASSWORD")));
        for (String stmt : LandingZone.userStatements(values)) {
          s.execute(stmt);
        }
        out.printf("users ready: %s (app), %s (batch, read-only), %s (cdc)%n", appUser, batchUser, cdcUser);
      }
    }
    return 0;
  }

  /**
   * A database made before {@code changed_at} existed gets it (with its index). Existing rows take the
   * time of the ALTER: rebuild bronze after it (see the README's upgrade notes). Portable to MySQL 8,
   * which has no {@code ADD COLUMN IF NOT EXISTS}.
   */
  private void addCaptureColumn(Connection c, PrintWriter out) throws SQLException {
    for (String table : LandingZone.TABLES) {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.columns"
          + " WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'changed_at'")) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            continue;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + LandingZone.CAPTURE_COLUMN
            + ", ADD KEY ix_" + table + "_changed_at (changed_at)");
      }
      out.printf("%s: added changed_at (the batch's capture position); rebuild bronze from it%n", table);
    }
  }

  private static void requireIdentifier(String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a valid database or user name: use 1-64 letters, digits or '_'");
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private static String requireEnv(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(
          "environment variable " + name + " is not set: it holds the password of a user db-init creates"
              + " (devstack/services.sh env prints the local ones), or pass --schema-only");
    }
    return v;
  }

  /** Escapes a value for a single-quoted SQL string literal. */
  private static String sqlString(String v) {
    return v.replace("\\", "\\\\").replace("'", "''");
  }
}
