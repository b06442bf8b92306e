package com.coffeeshop.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The MySQL landing zone: its DDL and its least-privilege users, as applicable statements. */
public final class LandingZone {
  private LandingZone() {}

  /** Tables in foreign-key order: a table only references tables listed before it. */
  public static final List<String> TABLES =
      List.of(
          "product_category", "products", "stores", "payment_methods", "customers", "orders",
          "order_details");

  /**
   * The capture column every table has, as in {@code mysql/schema.sql}: set by the server on every
   * insert and value-changing update. The batch reads by it, never by a business time.
   */
  public static final String CAPTURE_COLUMN =
      "changed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)";

  /** The idempotent DDL of every landing-zone table, one statement per element. */
  public static List<String> schemaStatements() {
    return statements(Resources.text("mysql/schema.sql"));
  }

  /**
   * The statements that create or update the application, batch and CDC users.
   *
   * @param values replacements for the {@code ${NAME}} placeholders of {@code mysql/users.sql}
   */
  public static List<String> userStatements(Map<String, String> values) {
    String sql = Resources.text("mysql/users.sql");
    for (Map.Entry<String, String> e : values.entrySet()) {
      sql = sql.replace("${" + e.getKey() + "}", e.getValue());
    }
    if (sql.contains("${")) {
      int at = sql.indexOf("${");
      throw new IllegalArgumentException(
          "no value for placeholder " + sql.substring(at, sql.indexOf('}', at) + 1) + " in users.sql");
    }
    return statements(sql);
  }

  /** Splits a script on ';' at line ends, dropping '--' comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String stmt = current.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("script ends without ';': " + current);
    }
    return out;
  }
}
