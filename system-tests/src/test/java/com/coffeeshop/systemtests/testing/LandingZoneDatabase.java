package com.coffeeshop.systemtests.testing;

import com.coffeeshop.tools.CoffeeCli;
import com.coffeeshop.transforms.jdbc.LandingZoneJdbc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * A throw-away landing-zone database on the real MariaDB that {@code devstack/services.sh up}
 * started (connection from the COFFEE_DB_* environment). Each instance has its own schema, dropped
 * on {@link #close()}, so tests never see each other's rows.
 */
public final class LandingZoneDatabase implements AutoCloseable {
  public final String name;
  public final String host = env("COFFEE_DB_HOST", "127.0.0.1");
  public final int port = Integer.parseInt(env("COFFEE_DB_PORT", "3307"));

  private final boolean dropOnClose;

  private LandingZoneDatabase(String name, boolean dropOnClose) {
    this.name = name;
    this.dropOnClose = dropOnClose;
  }

  /**
   * A named database that outlives the test (the one the CDC connector captures), brought up to date:
   * schema, users and reference data, all idempotent. {@link #close()} leaves it in place.
   */
  public static LandingZoneDatabase existing(String name) {
    requireEnv("COFFEE_DB_ADMIN_PASSWORD");
    LandingZoneDatabase db = new LandingZoneDatabase(name, false);
    db.cli("db-init");
    db.cli("load-reference");
    return db;
  }

  /** A new database with the landing-zone tables and no rows. */
  public static LandingZoneDatabase createEmpty() throws SQLException {
    requireEnv("COFFEE_DB_ADMIN_PASSWORD");
    LandingZoneDatabase db =
        new LandingZoneDatabase("it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), true);
    db.cli("db-init", "--schema-only");
    return db;
  }

  /** A new database with the tables and the shipped reference samples loaded. */
  public static LandingZoneDatabase createWithReferenceData() throws SQLException {
    LandingZoneDatabase db = createEmpty();
    db.cli("load-reference");
    return db;
  }

  /** Runs a {@code coffee} command against this database; fails the test on a non-zero exit. */
  public String cli(String... args) {
    CliRun run = tryCli(args);
    if (run.exitCode != 0) {
      throw new AssertionError("coffee " + String.join(" ", args) + " exited " + run.exitCode + ":\n" + run.err + run.out);
    }
    return run.out;
  }

  /** Runs a {@code coffee} command against this database and returns what happened. */
  public CliRun tryCli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db-host", host, "--db-port", String.valueOf(port), "--db-name", name));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        CoffeeCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Exit code and output of one command. */
  public record CliRun(int exitCode, String out, String err) {}

  /** An admin connection to this database, in UTC. */
  public Connection admin() throws SQLException {
    return connect(env("COFFEE_DB_ADMIN_USER", "coffee_admin"), requireEnv("COFFEE_DB_ADMIN_PASSWORD"));
  }

  public Connection connect(String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    Connection c = DriverManager.getConnection(LandingZoneJdbc.url(host, port, name), props);
    try (Statement s = c.createStatement()) {
      s.execute(LandingZoneJdbc.UTC_SESSION);
    }
    return c;
  }

  /** The reference rows as written at the start of {@code day} (MariaDB's changed_at: before the day's orders). */
  public void referenceRowsWrittenOn(LocalDate day) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      for (String t : List.of("product_category", "products", "stores", "payment_methods", "customers")) {
        s.executeUpdate("UPDATE " + t + " SET changed_at = '" + day + " 00:00:00'");
      }
    }
  }

  /**
   * Every order placed on {@code day} (06:00 to about 22:40 UTC) and written when it was placed: orders' and lines'
   * changed_at, bronze's position, is the order's time.
   */
  public void ordersPlacedOn(LocalDate day) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE orders SET `timestamp` = TIMESTAMP('" + day + " 06:00:00') + INTERVAL (CRC32(id) % 60000) SECOND");
      s.executeUpdate("UPDATE order_details l JOIN orders o ON o.id = l.order_id SET l.changed_at = o.`timestamp`");
      s.executeUpdate("UPDATE orders SET changed_at = `timestamp`");
    }
  }

  /** The single value of a one-row, one-column query, as a long. */
  public long scalar(String sql) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return rs.getLong(1);
    }
  }

  /** Every row of a query, each row's columns joined by '|', in the query's order. */
  public List<String> rows(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    if (!dropOnClose) {
      return;
    }
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + name + "`");
    }
  }

  public static String requireEnv(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(
          name + " is not set. The integration tests need the local MariaDB: run `devstack/services.sh up`"
              + " and `eval \"$(devstack/services.sh env)\"`, or use the README's test command.");
    }
    return v;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
