package com.coffeeshop.systemtests.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db-init against the real MariaDB: the DDL applies, re-applies, and each user has exactly its grants. */
class DbInitCommandTest {
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String APP = "it_app_" + SUFFIX;
  private static final String BATCH = "it_batch_" + SUFFIX;
  private static final String CDC = "it_cdc_" + SUFFIX;
  private static LandingZoneDatabase db;

  @BeforeAll
  static void createSchemaAndUsers() throws SQLException {
    db = LandingZoneDatabase.createEmpty();
    String[] args = {"db-init", "--app-user", APP, "--batch-user", BATCH, "--cdc-user", CDC};
    db.cli(args);
    db.cli(args); // idempotent: a second run must succeed and change nothing
  }

  @AfterAll
  static void dropSchemaAndUsers() throws SQLException {
    try (Connection c = db.admin();
        Statement s = c.createStatement()) {
      for (String user : List.of(APP, BATCH, CDC)) {
        s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
      }
    }
    db.close();
  }

  @Test
  void createsEveryLandingZoneTable() throws SQLException {
    assertThat(
        db.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name + "'"),
        containsInAnyOrder(
            "product_category", "products", "stores", "payment_methods", "customers", "orders", "order_details",
            "order_changes", "open_writes"));
  }

  @Test
  void orderDetailsIsKeyedByOrderAndProduct() throws SQLException {
    assertThat(
        db.rows("SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = '" + db.name
            + "' AND table_name = 'order_details' AND constraint_name = 'PRIMARY' ORDER BY ordinal_position"),
        contains("order_id", "product_id"));
    assertThat(
        db.rows("SELECT column_name FROM information_schema.columns WHERE table_schema = '" + db.name
            + "' AND table_name = 'order_details'"),
        hasItems("discount_percent", "subtotal", "is_suggestion"));
  }

  @Test
  void indexesTheIncrementalReadColumns() throws SQLException {
    List<String> indexed = db.rows("SELECT CONCAT(table_name, '.', column_name) FROM information_schema.statistics"
        + " WHERE table_schema = '" + db.name + "' AND index_name <> 'PRIMARY'");
    assertThat(indexed, hasItems("orders.timestamp", "products.updated_at", "stores.updated_at",
        "payment_methods.updated_at", "customers.updated_at", "product_category.updated_at"));
  }

  @Test
  void enforcesForeignKeys() {
    SQLException e = assertThrows(SQLException.class, () -> exec(db.admin(),
        "INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id)"
            + " VALUES ('00000000-0000-4000-8000-000000000000', NOW(3), 999, 999, 999)"));
    assertThat(e.getMessage(), containsString("foreign key constraint fails"));
  }

  @Test
  void batchUserCanReadButNotWrite() throws SQLException {
    Connection batch = db.connect(BATCH, LandingZoneDatabase.requireEnv("COFFEE_BATCH_PASSWORD"));
    exec(batch, "SELECT COUNT(*) FROM orders");
    SQLException e = assertThrows(SQLException.class,
        () -> exec(db.connect(BATCH, LandingZoneDatabase.requireEnv("COFFEE_BATCH_PASSWORD")),
            "INSERT INTO product_category (id, name) VALUES (99, 'x')"));
    assertThat(e.getMessage(), containsString("denied"));
    assertThat(grants(BATCH), everyItem(not(containsString("INSERT"))));
  }

  @Test
  void appUserWritesOrdersButNotReferenceData() throws SQLException {
    String password = LandingZoneDatabase.requireEnv("COFFEE_APP_PASSWORD");
    SQLException e = assertThrows(SQLException.class,
        () -> exec(db.connect(APP, password), "UPDATE products SET unit_price = 1"));
    assertThat(e.getMessage(), containsString("denied"));
    assertThat(grants(APP), hasItem(containsString("INSERT, UPDATE ON `" + db.name + "`.`orders`")));
    assertThat(grants(APP), hasItem(containsString("INSERT, UPDATE ON `" + db.name + "`.`order_details`")));
    assertThat(grants(APP), everyItem(not(containsString("DELETE"))));
  }

  @Test
  void cdcUserHasReplicationGrantsAndNoWrites() throws SQLException {
    List<String> grants = grants(CDC);
    assertThat(grants, hasItem(containsString("REPLICATION SLAVE")));
    assertThat(grants, hasItem(containsString("GRANT SELECT ON `" + db.name + "`.*")));
    assertThat(grants.toString().contains("INSERT") || grants.toString().contains("ALL PRIVILEGES"), is(false));
  }

  @Test
  void refusesMissingPasswordVariableWithItsName() {
    LandingZoneDatabase.CliRun run = db.tryCli("db-init", "--db-password-env", "COFFEE_NO_SUCH_VARIABLE");
    assertThat(run.exitCode(), is(2));
    assertThat(run.err(), containsString("COFFEE_NO_SUCH_VARIABLE is not set"));
  }

  private static List<String> grants(String user) throws SQLException {
    return db.rows("SHOW GRANTS FOR '" + user + "'@'%'");
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (c; Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
