package com.coffeeshop.systemtests.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late rows for a day already built, as the scheduler meets them (real MariaDB, steps as Airflow runs
 * them, UTC days): the day is built; then a late order and a corrupted line of that day reach bronze.
 * The next day's silver restates the day and fails its gate, naming it; the next day's facts are built
 * but the day's are left as they were, and every facts run fails naming it, until the line is fixed in
 * MySQL. Then the next runs restate the day, and its gold equals MySQL, the late order included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestatementTest {
  private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC);
  private static final LocalDate NEXT = DAY.plusDays(1);

  @TempDir static Path lakehouse;
  private LandingZoneDatabase db;
  private Medallion medallion;

  @BeforeAll
  void landingZone() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    db.cli("generate-orders", "--orders", "30", "--rate", "0", "--seed", "71");
    medallion = new Medallion(lakehouse.toString(), "--timeZone=UTC");
  }

  @AfterAll
  void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = db.admin(); Statement s = c.createStatement()) {
      for (String st : statements) {
        s.executeUpdate(st);
      }
    }
  }

  private void bronze() throws Exception {
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
        "--lakehouse=" + lakehouse, "--timeZone=UTC", "--settleMinutes=0"));
    assertThat(BronzeIngest.run(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
        .as(BronzeIngest.Options.class)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  /** The day's lines in gold: order, quantity, net subtotal. */
  private List<String> gold(LocalDate day) throws Exception {
    List<String> rows = new ArrayList<>();
    medallion.goldRows("fact_orders").stream().filter(r -> (Integer) r.get("order_date") == (int) day.toEpochDay())
        .forEach(r -> rows.add(r.get("order_id") + " " + r.get("quantity") + " " + r.get("subtotal")));
    rows.sort(String::compareTo);
    return rows;
  }

  private List<String> mysql(LocalDate day) throws Exception {
    List<String> rows = new ArrayList<>(db.rows("SELECT CONCAT(d.order_id, ' ', d.quantity, ' ', d.subtotal)"
        + " FROM orders o JOIN order_details d ON d.order_id = o.id WHERE DATE(o.`timestamp`) = '" + day + "'"));
    rows.sort(String::compareTo);
    return rows;
  }

  @Test
  void aLateBadLineHoldsBackItsDaysGoldUntilFixedThenTheDayIsRestated() throws Exception {
    bronze();
    assertThat(medallion.silverAndLateDays(DAY), is(List.of(DAY)));
    medallion.dimensions(DAY);
    assertThat(medallion.factsAndLateDays(DAY), is(List.of(DAY)));
    List<String> built = gold(DAY);
    assertThat(built, is(mysql(DAY)));

    // after the build: an order a till synced late, and a line of the day corrupted (its subtotal 1 VND off)
    String late = "late-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String corrupted = db.rows("SELECT order_id FROM order_details ORDER BY order_id, product_id LIMIT 1").get(0);
    sql("INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id)"
            + " VALUES ('" + late + "', UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, 1, 1, 1)",
        "INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
            + " SELECT '" + late + "', id, 2, 0, 2 * unit_price, 0 FROM products WHERE id = 'CF01'",
        "UPDATE order_details SET subtotal = subtotal + 1 WHERE order_id = '" + corrupted + "'");
    bronze();
    DataQualityGate.Failed gate = assertThrows(DataQualityGate.Failed.class, () -> medallion.silverAndLateDays(NEXT));
    assertThat(gate.getMessage(), containsString("data-quality gate failed for " + DAY));
    medallion.dimensions(NEXT);
    for (int attempt = 1; attempt <= 2; attempt++) {
      DataQualityGate.Failed held = assertThrows(DataQualityGate.Failed.class, () -> medallion.factsAndLateDays(NEXT));
      assertThat("attempt " + attempt, held.getMessage(), containsString("gold facts for [" + DAY + "] were not restated"));
      assertThat("the day's facts are left as they were", gold(DAY), is(built));
    }

    sql("UPDATE order_details SET subtotal = subtotal - 1 WHERE order_id = '" + corrupted + "'");
    bronze();
    assertThat(medallion.silverAndLateDays(NEXT), is(List.of(NEXT, DAY)));
    assertThat(medallion.factsAndLateDays(NEXT), is(List.of(NEXT, DAY)));
    assertThat(gold(DAY), is(mysql(DAY)));
    assertThat(gold(DAY).stream().anyMatch(r -> r.startsWith(late + " 2 ")), is(true));
    assertThat("nothing is stale any more", medallion.factsAndLateDays(NEXT), is(List.of(NEXT)));
  }
}
