package com.coffeeshop.systemtests.revenue;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.pipelines.revenue.StoreDailyRevenue;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.pipelines.launch.RunnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link StoreDailyRevenue} (JdbcIO from the real MariaDB, a shuffle, a parquet sink) on the
 * runner whose options file {@code runner-configs/<beam.test.runnerConfig>.conf} names, and checks
 * the parquet rows against the same aggregate computed by MariaDB. The test command runs this class
 * once per runner (direct, flink-local, spark-local, and flink-cluster: a real session cluster), so all must
 * produce these same rows.
 */
@OnEveryRunner
@Tag("portability")
class RunnerPortabilityTest {
  private static LandingZoneDatabase db;
  private static LocalDate day;

  @BeforeAll
  static void generateOrders() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    db.cli("generate-orders", "--orders", "300", "--rate", "0", "--seed", "17", "--eligible-share", "0.1");
    // Mark a few lines as suggestions so suggested_revenue is exercised too.
    try (var c = db.admin(); var s = c.createStatement()) {
      s.executeUpdate("UPDATE order_details SET is_suggestion = 1 WHERE product_id = 'CF01'");
    }
    day = LocalDate.parse(db.rows("SELECT DATE(MAX(`timestamp`)) FROM orders").get(0));
  }

  @AfterAll
  static void drop() throws Exception {
    db.close();
  }

  @Test
  void writesTheSameRevenuePerStoreAsMariaDbComputes(@TempDir Path output) throws Exception {
    String config = System.getProperty("beam.test.runnerConfig", "direct");
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of(
        "--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
        "--date=" + day, "--output=" + output));
    StoreDailyRevenue.Options options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
            .as(StoreDailyRevenue.Options.class);
    String configuredRunner = args.stream().filter(a -> a.startsWith("--runner=")).findFirst().orElseThrow();
    assertThat(configuredRunner, is("--runner=" + options.getRunner().getSimpleName()));
    PipelineResult.State state = StoreDailyRevenue.run(options).waitUntilFinish();
    assertThat(state, is(PipelineResult.State.DONE));

    List<String> expected = db.rows(
        "SELECT o.store_id, COUNT(*), SUM(d.quantity), SUM(d.subtotal), SUM(IF(d.is_suggestion, d.subtotal, 0))"
            + " FROM orders o JOIN order_details d ON d.order_id = o.id"
            + " WHERE o.`timestamp` >= '" + day + "' AND o.`timestamp` < '" + day.plusDays(1) + "'"
            + " GROUP BY o.store_id ORDER BY o.store_id");
    List<Path> files;
    try (Stream<Path> s = Files.list(output)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("store_daily_revenue-" + day)
          && p.toString().endsWith(".parquet")).toList();
    }
    assertThat("one parquet file on " + config, files, hasSize(1));
    List<String> actual = readRows(files.get(0));
    assertThat(actual.size(), greaterThan(50));
    assertThat("rows written by " + config, actual, is(expected));
  }

  private static List<String> readRows(Path file) throws IOException {
    List<String> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
            .build()) {
      for (GenericRecord r; (r = reader.read()) != null; ) {
        assertThat(r.get("order_date"), is((int) day.toEpochDay()));
        rows.add(r.get("store_id") + "|" + r.get("lines") + "|" + r.get("items") + "|" + r.get("revenue")
            + "|" + r.get("suggested_revenue"));
      }
    }
    rows.sort((a, b) -> Integer.compare(Integer.parseInt(a.split("\\|")[0]), Integer.parseInt(b.split("\\|")[0])));
    return rows;
  }
}
