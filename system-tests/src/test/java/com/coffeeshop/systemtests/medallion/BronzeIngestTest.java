package com.coffeeshop.systemtests.medallion;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.systemtests.testing.Failures;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bronze against the real MariaDB: the first run loads everything, a run with no change commits
 * nothing, changed and new rows land exactly once whatever business times they carry (a late order,
 * a line written after its order, a store loaded with an old updated_at), a deleted product lands as
 * a tombstone, a second run planned while the first runs commits nothing, and ranges that would skip
 * or repeat rows are refused.
 */
@OnEveryRunner
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BronzeIngestTest {
  private static final List<String> TABLES = List.of(
      "product_category", "products", "stores", "payment_methods", "customers", "orders", "order_details");
  private static LandingZoneDatabase db;
  @TempDir static Path lakehouse;

  @BeforeAll
  static void landingZone() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    db.cli("generate-orders", "--orders", "100", "--rate", "0", "--seed", "3");
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private static BronzeIngest.Options options(String... extra) throws Exception {
    List<String> args = RunnerUnderTest.args();
    // the rows are written a moment before each run: nothing is left open to settle
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
        "--lakehouse=" + lakehouse, "--settleMinutes=0"));
    args.addAll(List.of(extra));
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(BronzeIngest.Options.class);
  }

  private static void run(String... extra) throws Exception {
    assertThat(BronzeIngest.run(options(extra)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  private static void sql(String... statements) throws Exception {
    try (var c = db.admin(); var s = c.createStatement()) {
      for (String st : statements) {
        s.executeUpdate(st);
      }
    }
  }

  private static List<String> rowsOf(String table, String column, String value) throws Exception {
    return bronze(table).stream().filter(r -> value.equals(String.valueOf(r.get(column))))
        .map(r -> r.get("_deleted") + " " + r.get("name")).toList();
  }

  /** The bronze rows of a table, from its latest snapshot. */
  private static List<GenericRecord> bronze(String table) throws Exception {
    return DeltaTables.readSmall(Lakehouse.bronze(lakehouse.toString(), table),
        com.coffeeshop.schemas.AvroSchemas.bronze(table), null);
  }

  private static Map<String, Optional<Long>> versions() {
    Map<String, Optional<Long>> v = new HashMap<>();
    TABLES.forEach(t -> v.put(t, DeltaTables.latestVersion(Lakehouse.bronze(lakehouse.toString(), t))));
    return v;
  }

  @Test
  @Order(1)
  void loadsIncrementallyExactlyOnce() throws Exception {
    run();
    assertThat(bronze("orders").size(), is(100));
    assertThat((long) bronze("order_details").size(), is(db.scalar("SELECT COUNT(*) FROM order_details")));
    assertThat(bronze("products").size(), is(26));
    assertThat(bronze("customers").size(), is(12000));
    assertThat(bronze("orders").get(0).get("_source_table").toString(), is("orders"));
    String firstTo = DeltaTables.userMetadata(Lakehouse.bronze(lakehouse.toString(), "orders"), 0)
        .get("watermark_to");

    Map<String, Optional<Long>> afterFirst = versions();
    run();
    assertThat("a run with no change commits nothing", versions(), is(afterFirst));

    sql("UPDATE products SET unit_price = unit_price + 2000 WHERE id = 'CF02'");
    db.cli("generate-orders", "--orders", "20", "--rate", "0", "--seed", "4");
    run();
    assertThat(bronze("orders").size(), is(120));
    assertThat((long) bronze("order_details").size(), is(db.scalar("SELECT COUNT(*) FROM order_details")));
    assertThat("the changed product landed as a second version", bronze("products").size(), is(27));
    assertThat(bronze("products").stream().filter(r -> r.get("id").toString().equals("CF02")).count(), is(2L));
    assertThat(bronze("customers").size(), is(12000));

    Map<String, Optional<Long>> afterThird = versions();
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> BronzeIngest.run(options("--from=1970-01-01T00:00:00Z", "--to=" + firstTo)));
    assertThat(again.getMessage(), containsString("--from only sets where a new table starts"));
    IllegalArgumentException future = assertThrows(IllegalArgumentException.class,
        () -> BronzeIngest.run(options("--to=" + Instant.now().plusSeconds(3600))));
    assertThat(future.getMessage(), containsString("(the database's clock minus --settleMinutes)"));
    IllegalArgumentException zone = assertThrows(IllegalArgumentException.class,
        () -> BronzeIngest.run(options("--timeZone=UTC")));
    assertThat(zone.getMessage(), containsString("--timeZone=UTC, but bronze at"));
    assertThat(zone.getMessage(), containsString("partitioned by the days of Asia/Ho_Chi_Minh"));
    assertThat("refused runs commit nothing", versions(), is(afterThird));
  }

  @Test
  void rowsWithOldBusinessTimesAndDeletesLandOnceOnTheNextRun() throws Exception {
    run();
    String order = "late-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String oldOrder = db.rows("SELECT id FROM orders ORDER BY id LIMIT 1").get(0);
    String fresh = db.rows("SELECT id FROM products WHERE id NOT IN (SELECT product_id FROM order_details"
        + " WHERE order_id = '" + oldOrder + "') ORDER BY id LIMIT 1").get(0);
    // an order a till synced two hours late, a line added to an old order, a store loaded with an old updated_at,
    // and a product no order uses, deleted
    sql("INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id)"
            + " VALUES ('" + order + "', UTC_TIMESTAMP(3) - INTERVAL 2 HOUR, 1, 1, 1)",
        "INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
            + " SELECT '" + order + "', id, 1, 0, unit_price, 0 FROM products WHERE id = 'CF01'",
        "INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
            + " SELECT '" + oldOrder + "', id, 1, 0, unit_price, 0 FROM products WHERE id = '" + fresh + "'",
        "INSERT INTO stores (id, name, address, district, city, updated_at)"
            + " VALUES (9001, 'Late store', '1 Old St', 'Q1', 'HCM', '2025-01-01 00:00:00')",
        "INSERT INTO products (id, name, category_id, unit_price) VALUES ('ZZ01', 'Short-lived', 1, 1000)");
    run();
    sql("DELETE FROM products WHERE id = 'ZZ01'");
    run();
    assertThat(bronze("orders").stream().filter(r -> r.get("id").toString().equals(order)).count(), is(1L));
    assertThat(bronze("order_details").stream().filter(r -> r.get("order_id").toString().equals(oldOrder)
        && r.get("product_id").toString().equals(fresh)).count(), is(1L));
    assertThat(rowsOf("stores", "id", "9001"), contains("false Late store"));
    assertThat("a deleted product lands once as a tombstone", rowsOf("products", "id", "ZZ01"),
        containsInAnyOrder("false Short-lived", "true null"));
    run();
    assertThat("a tombstone is not repeated", rowsOf("products", "id", "ZZ01").size(), is(2));
    assertThat((long) bronze("order_details").size(), is(db.scalar("SELECT COUNT(*) FROM order_details")));
  }

  @Test
  void aSecondRunPlannedBeforeTheFirstCommitsCommitsNothing() throws Exception {
    run();
    db.cli("generate-orders", "--orders", "10", "--rate", "0", "--seed", "5");
    long before = bronze("orders").size();
    Pipeline first = BronzeIngest.plan(options("--tables=orders"));
    Pipeline retry = BronzeIngest.plan(options("--tables=orders"));
    assertThat(first.run().waitUntilFinish(), is(PipelineResult.State.DONE));
    Throwable failed = assertThrows(Throwable.class, () -> {
      PipelineResult r = retry.run();
      if (r.waitUntilFinish() != PipelineResult.State.DONE) {
        throw new AssertionError("the retry ended " + r.getState());
      }
    });
    assertThat(Failures.messages(failed), containsString("this run committed nothing"));
    assertThat("each new order landed once", (long) bronze("orders").size(), is(before + 10));
  }

}
