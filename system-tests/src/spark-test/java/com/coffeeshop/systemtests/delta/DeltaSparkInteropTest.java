package com.coffeeshop.systemtests.delta;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that DeltaWrite makes real Delta tables: Spark's own Delta reader (delta-spark) reads the
 * table written by the pipeline, with the same rows and the catalog's types, and sees time travel.
 * Only in the spark-runner profile (src/spark-test), where Spark is on the classpath.
 */
@OnEveryRunner
class DeltaSparkInteropTest {
  @TempDir Path dir;

  @Test
  void sparksDeltaReaderReadsOurTableWithTheSameRowsAndTypes() throws Exception {
    String table = dir.resolve("store_daily_revenue").toString();
    List<GenericRecord> first = DeltaRoundTripTest.rows(LocalDate.of(2026, 11, 1), 15, 100_000);
    List<GenericRecord> second = DeltaRoundTripTest.rows(LocalDate.of(2026, 11, 2), 5, 200_000);
    DeltaRoundTripTest.write(table, first);
    DeltaRoundTripTest.write(table, second);

    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("delta-interop-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    try {
      Dataset<Row> df = spark.read().format("delta").load(table);
      StructType schema = df.schema();
      assertThat(schema.apply("order_date").dataType(), is(DataTypes.DateType));
      assertThat(schema.apply("store_id").dataType(), is(DataTypes.IntegerType));
      assertThat(schema.apply("revenue").dataType(), is(DataTypes.LongType));
      assertThat(schema.apply("suggested_revenue").dataType(), is(DataTypes.LongType));

      List<GenericRecord> all = new ArrayList<>(first);
      all.addAll(second);
      assertThat(texts(df), containsInAnyOrder(all.stream().map(DeltaRoundTripTest::text).toArray()));
      Dataset<Row> v0 = spark.read().format("delta").option("versionAsOf", 0).load(table);
      assertThat(texts(v0), containsInAnyOrder(first.stream().map(DeltaRoundTripTest::text).toArray()));
    } finally {
      spark.stop();
    }
  }

  private static List<String> texts(Dataset<Row> df) {
    List<String> out = new ArrayList<>();
    for (Row r : df.select("order_date", "store_id", "lines", "items", "revenue", "suggested_revenue").collectAsList()) {
      out.add(r.getDate(0).toLocalDate() + "|" + r.getInt(1) + "|" + r.getLong(2) + "|" + r.getLong(3) + "|"
          + r.getLong(4) + "|" + r.getLong(5));
    }
    return out;
  }
}
