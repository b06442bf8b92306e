package com.coffeeshop.systemtests.delta;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.pipelines.launch.RunnerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bronze tables, written on the SparkRunner, read by Spark's own Delta reader: same rows and types. */
@OnEveryRunner
class BronzeSparkInteropTest {
  @TempDir Path lakehouse;

  @Test
  void sparksDeltaReaderReadsTheBronzeTables() throws Exception {
    try (LandingZoneDatabase db = LandingZoneDatabase.createWithReferenceData()) {
      db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
      db.cli("generate-orders", "--orders", "60", "--rate", "0", "--seed", "11");
      List<String> args = new ArrayList<>(RunnerConfig.load(System.getProperty("beam.test.runnerConfig", "spark-local")).args());
      args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
          "--lakehouse=" + lakehouse, "--tables=orders,products", "--settleMinutes=0"));
      BronzeIngest.Options o = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
          .as(BronzeIngest.Options.class);
      assertThat(BronzeIngest.run(o).waitUntilFinish(), is(PipelineResult.State.DONE));

      SparkSession spark = SparkSession.builder().master("local[2]").appName("bronze-interop-test")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .getOrCreate();
      try {
        Dataset<Row> orders = spark.read().format("delta").load(Lakehouse.bronze(lakehouse.toString(), "orders"));
        assertThat(orders.count(), is(60L));
        assertThat(orders.schema().apply("id").dataType(), is(DataTypes.StringType));
        assertThat(orders.schema().apply("_ingested_at").dataType(), is(DataTypes.TimestampType));
        assertThat(orders.schema().apply("_partition_date").dataType(), is(DataTypes.DateType));
        List<String> ids = new ArrayList<>();
        orders.select("id").collectAsList().forEach(r -> ids.add(r.getString(0)));
        ids.sort(String::compareTo);
        assertThat(ids, is(db.rows("SELECT id FROM orders ORDER BY id")));
        Dataset<Row> products = spark.read().format("delta")
            .load(Lakehouse.bronze(lakehouse.toString(), "products"));
        assertThat(products.filter("id = 'CF01'").select("unit_price").first().getString(0),
            is(db.rows("SELECT unit_price FROM products WHERE id = 'CF01'").get(0)));
      } finally {
        spark.stop();
      }
    }
  }
}
