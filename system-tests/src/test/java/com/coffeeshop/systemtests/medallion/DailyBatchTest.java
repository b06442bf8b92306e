package com.coffeeshop.systemtests.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.pipelines.medallion.DailyBatch;
import com.coffeeshop.pipelines.medallion.DailyBatch.Step;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.schemas.LandingZone;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The day's four steps in one JVM ({@link DailyBatch}) on the runner under test, against MariaDB: a day with
 * one order at a store whose row reached MySQL only after the day fails silver's gate; the batch stops
 * there with bronze committed and gold untouched, resumes with the {@code --steps} its error names, and
 * then gives the gold of the four steps run one by one (there with bronze's default 16 buckets of the order
 * id, here with {@code --orderBuckets=4}); a retry of the whole batch changes nothing.
 */
@OnEveryRunner
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DailyBatchTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final String READ_TO = "--to=" + DAY.plusDays(1) + "T00:00:00Z";
  @TempDir static Path work;
  private LandingZoneDatabase db;

  @BeforeAll
  void aDayWithALateStore() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    db.cli("generate-orders", "--orders", "30", "--rate", "0", "--seed", "31");
    db.referenceRowsWrittenOn(DAY);
    try (Connection c = db.admin(); Statement s = c.createStatement()) {
      // A store written the next day, after bronze's read; one of the day's orders names it.
      s.executeUpdate("INSERT INTO stores (id, name, address, district, city, changed_at)"
          + " VALUES (9001, 'Opened late', '1 New St', 'Q1', 'Hồ Chí Minh', '" + DAY.plusDays(1) + " 12:00:00')");
      s.executeUpdate("UPDATE orders SET store_id = 9001 ORDER BY id LIMIT 1");
    }
    db.ordersPlacedOn(DAY);
  }

  @AfterAll
  void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private DailyBatch.Options options(Path lake, String... extra) {
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name, "--lakehouse=" + lake,
        "--timeZone=UTC", "--date=" + DAY, READ_TO));
    args.addAll(List.of(extra));
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(DailyBatch.Options.class);
  }

  private static Map<String, Optional<Long>> bronzeVersions(Path lake) {
    Map<String, Optional<Long>> v = new LinkedHashMap<>();
    LandingZone.TABLES.forEach(t -> v.put(t, DeltaTables.latestVersion(Lakehouse.bronze(lake.toString(), t))));
    return v;
  }

  /** The bucketings of the day's bronze orders and order details files. */
  private static Set<String> bucketings(Path lake) {
    Set<String> tags = new HashSet<>();
    for (String table : List.of("orders", "order_details")) {
      DeltaRead.latest(Lakehouse.bronze(lake.toString(), table), AvroSchemas.bronze(table)).onlyPartition(DAY.toString())
          .splits().forEach(s -> tags.add(s.tags().get(DeltaWrite.BUCKETING_TAG)));
    }
    return tags;
  }

  private static List<String> gold(Path lake) throws Exception {
    List<String> rows = new ArrayList<>();
    for (String t : List.of("dim_products", "dim_stores", "dim_payment_methods", "fact_orders")) {
      new Medallion(lake.toString()).goldRows(t).forEach(r -> rows.add(t + " " + r));
    }
    rows.sort(String::compareTo);
    return rows;
  }

  @Test
  void aFailedStepStopsTheBatchWhichResumesFromItAndARetryChangesNothing() throws Exception {
    Path lake = work.resolve("one-jvm");
    DailyBatch.StepFailed failed = assertThrows(DailyBatch.StepFailed.class,
        () -> DailyBatch.run(options(lake, "--orderBuckets=4")));
    assertThat(failed.step, is(Step.SILVER));
    assertThat(failed.getCause(), org.hamcrest.Matchers.instanceOf(DataQualityGate.Failed.class));
    assertThat(failed.getMessage(), containsString("resume with --steps=silver,gold-dimensions,gold-facts"));
    assertThat("bronze committed before silver failed", DeltaTables.rowCount(Lakehouse.bronze(lake.toString(), "orders"),
        DeltaTables.latestVersion(Lakehouse.bronze(lake.toString(), "orders")).orElseThrow(), DAY.toString()), is(30L));
    assertThat("no gold step ran", DeltaTables.latestVersion(Lakehouse.gold(lake.toString(), "dim_stores")), is(Optional.empty()));
    assertThat(DeltaTables.latestVersion(Lakehouse.gold(lake.toString(), "fact_orders")), is(Optional.empty()));
    Map<String, Optional<Long>> bronzeAfterFailure = bronzeVersions(lake);
    assertThat("bronze wrote orders and lines in the 4 buckets asked for", bucketings(lake), is(Set.of("order_id/4")));

    // The operator accepts the day's one quarantined order (1 of 30, and its lines) and resumes where the batch stopped.
    Map<Step, Double> resumed = DailyBatch.run(options(lake, "--steps=silver,gold-dimensions,gold-facts",
        "--maxQuarantinedPercent=10"));
    assertThat(List.copyOf(resumed.keySet()), is(List.of(Step.SILVER, Step.DIMENSIONS, Step.FACTS)));
    assertThat("the resumed batch did not run bronze again", bronzeVersions(lake), is(bronzeAfterFailure));
    List<String> gold = gold(lake);

    // The same day, step by step as Airflow runs it (each step alone), in another lakehouse.
    Path stepByStep = work.resolve("step-by-step");
    BronzeIngest.Options bronze = options(stepByStep);
    assertThat(BronzeIngest.run(bronze).waitUntilFinish(), is(PipelineResult.State.DONE));
    Medallion m = new Medallion(stepByStep.toString(), "--timeZone=UTC");
    m.silver(DAY);
    m.dimensions(DAY);
    m.facts(DAY);
    assertThat(bucketings(stepByStep), is(Set.of("order_id/16")));
    assertThat("the same gold, whatever the bucket count", gold, is(gold(stepByStep)));
    long facts = gold.stream().filter(r -> r.startsWith("fact_orders ")).count();
    assertThat("the 29 orders at known stores have facts", facts, greaterThan(28L));
    assertThat(new Medallion(lake.toString()).silverRows("orders", DAY), hasSize(29));

    // A retry of the whole batch (a scheduler's, say): bronze finds nothing new, gold stays the same.
    Map<Step, Double> retried = DailyBatch.run(options(lake, "--orderBuckets=4", "--maxQuarantinedPercent=10"));
    assertThat(retried.size(), is(4));
    assertThat(bronzeVersions(lake), is(bronzeAfterFailure));
    assertThat(gold(lake), is(gold));

    // The number of buckets is bronze's own once it exists: another one is refused before anything runs.
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> DailyBatch.run(options(lake, "--orderBuckets=8")));
    assertThat(other.getMessage(), containsString("--orderBuckets=8, but bronze at"));
    assertThat(other.getMessage(), containsString("was created with 4 buckets"));
    assertThat(bronzeVersions(lake), is(bronzeAfterFailure));
  }

  @Test
  void badStepsOrOptionsAreRefusedBeforeAnythingRuns() {
    Path lake = work.resolve("refused");
    IllegalArgumentException outOfOrder = assertThrows(IllegalArgumentException.class,
        () -> DailyBatch.run(options(lake, "--steps=gold-facts,silver")));
    assertThat(outOfOrder.getMessage(), containsString("--steps=gold-facts,silver: each step once, in the batch's order"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> DailyBatch.run(options(lake, "--steps=bronze,gold")));
    assertThat(unknown.getMessage(), containsString("--steps: no step 'gold'; the steps are bronze,silver,gold-dimensions,gold-facts"));
    IllegalArgumentException buckets = assertThrows(IllegalArgumentException.class,
        () -> DailyBatch.run(options(lake, "--orderBuckets=0")));
    assertThat(buckets.getMessage(), containsString("--orderBuckets must be within 1..1024, got 0"));
    assertThat(bronzeVersions(lake).values().stream().allMatch(Optional::isEmpty), is(true));
  }
}
