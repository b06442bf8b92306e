package com.coffeeshop.systemtests.medallion;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.pipelines.medallion.BronzeIngest;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bronze against the real MariaDB: the first run loads everything, a run with no change commits
 * nothing, changed and new rows land exactly once, and a re-run of an old range changes nothing.
 */
@OnEveryRunner
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

  private static void run(String... extra) throws Exception {
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
        "--lakehouse=" + lakehouse));
    args.addAll(List.of(extra));
    BronzeIngest.Options o = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
        .as(BronzeIngest.Options.class);
    assertThat(BronzeIngest.run(o).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  /** The bronze rows of a table, from its latest snapshot. */
  private static List<GenericRecord> bronze(String table) throws Exception {
    return DeltaTables.readSmall(BronzeIngest.tablePath(lakehouse.toString(), table),
        com.coffeeshop.schemas.AvroSchemas.bronze(table), null);
  }

  private static Map<String, Optional<Long>> versions() {
    Map<String, Optional<Long>> v = new HashMap<>();
    TABLES.forEach(t -> v.put(t, DeltaTables.latestVersion(BronzeIngest.tablePath(lakehouse.toString(), t))));
    return v;
  }

  @Test
  void loadsIncrementallyExactlyOnce() throws Exception {
    run();
    assertThat(bronze("orders").size(), is(100));
    assertThat((long) bronze("order_details").size(), is(db.scalar("SELECT COUNT(*) FROM order_details")));
    assertThat(bronze("products").size(), is(26));
    assertThat(bronze("customers").size(), is(12000));
    assertThat(bronze("orders").get(0).get("_source_table").toString(), is("orders"));
    String firstTo = DeltaTables.userMetadata(BronzeIngest.tablePath(lakehouse.toString(), "orders"), 0)
        .get("watermark_to");

    Map<String, Optional<Long>> afterFirst = versions();
    run();
    assertThat("a run with no change commits nothing", versions(), is(afterFirst));

    try (var c = db.admin(); var s = c.createStatement()) {
      s.executeUpdate("UPDATE products SET unit_price = unit_price + 2000 WHERE id = 'CF02'");
    }
    db.cli("generate-orders", "--orders", "20", "--rate", "0", "--seed", "4");
    run();
    assertThat(bronze("orders").size(), is(120));
    assertThat((long) bronze("order_details").size(), is(db.scalar("SELECT COUNT(*) FROM order_details")));
    assertThat("the changed product landed as a second version", bronze("products").size(), is(27));
    assertThat(bronze("products").stream().filter(r -> r.get("id").toString().equals("CF02")).count(), is(2L));
    assertThat(bronze("customers").size(), is(12000));

    Map<String, Optional<Long>> afterThird = versions();
    run("--from=1970-01-01T00:00:00Z", "--to=" + firstTo);
    assertThat("re-running the first range adds nothing", versions(), is(afterThird));
  }
}
