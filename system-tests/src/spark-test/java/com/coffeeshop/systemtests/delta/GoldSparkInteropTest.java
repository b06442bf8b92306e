package com.coffeeshop.systemtests.delta;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import static com.coffeeshop.systemtests.testing.Medallion.bronzeRow;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.systemtests.testing.Medallion;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gold tables, built on the runner under test, read by Spark's own Delta reader with the catalog's types. */
@OnEveryRunner
class GoldSparkInteropTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 10);
  private static final String AT = "2026-11-10 01:00:00";
  @TempDir Path lakehouse;

  @Test
  void sparksDeltaReaderReadsTheGoldTablesWithTheCatalogTypes() throws Exception {
    Medallion m = new Medallion(lakehouse.toString());
    m.appendBronze("product_category", List.of(bronzeRow("product_category", DAY, Map.of("id", "1", "name", "Cà phê", "updated_at", AT))));
    m.appendBronze("products", List.of(
        bronzeRow("products", DAY, Map.of("id", "CF01", "name", "Cà phê đen", "category_id", "1", "unit_price", "29000", "updated_at", AT)),
        bronzeRow("products", DAY, Map.of("id", "CF02", "name", "Cà phê sữa", "category_id", "1", "unit_price", "35000", "updated_at", AT))));
    m.appendBronze("stores", List.of(bronzeRow("stores", DAY, Map.of("id", "7", "name", "Q1", "address", "1 Lê Lợi",
        "district", "Quận 1", "city", "Hồ Chí Minh", "updated_at", AT))));
    m.appendBronze("payment_methods", List.of(bronzeRow("payment_methods", DAY,
        Map.of("id", "2", "method_name", "Bank transfer", "bank", "ACB", "updated_at", AT))));
    m.appendBronze("customers", List.of(bronzeRow("customers", DAY,
        Map.of("id", "5", "name", "An", "phone_number", "0900000001", "tier", "diamond", "updated_at", AT))));
    m.appendBronze("orders", List.of(bronzeRow("orders", DAY,
        Map.of("id", "O1", "timestamp", "2026-11-10 08:00:00", "store_id", "7", "payment_method_id", "2", "customer_id", "5"))));
    m.appendBronze("order_details", List.of(
        bronzeRow("order_details", DAY, Map.of("order_id", "O1", "product_id", "CF01", "quantity", "2",
            "discount_percent", "0", "subtotal", "58000", "is_suggestion", "0")),
        bronzeRow("order_details", DAY, Map.of("order_id", "O1", "product_id", "CF02", "quantity", "1",
            "discount_percent", "10", "subtotal", "31500", "is_suggestion", "1"))));
    m.silver(DAY);
    m.dimensions(DAY);
    m.facts(DAY);

    SparkSession spark = SparkSession.builder().master("local[2]").appName("gold-interop-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    try {
      Dataset<Row> products = spark.read().format("delta").load(Lakehouse.gold(lakehouse.toString(), "dim_products"));
      assertTypes(products, Map.of("product_key", DataTypes.IntegerType, "product_id", DataTypes.StringType,
          "product_name", DataTypes.StringType, "category", DataTypes.StringType, "unit_price", DataTypes.IntegerType,
          "start_date", DataTypes.DateType, "end_date", DataTypes.DateType, "is_current", DataTypes.BooleanType));
      assertThat(products.filter("product_id = 'CF02' AND is_current AND end_date IS NULL").select("unit_price")
          .first().getInt(0), is(35000));
      Dataset<Row> facts = spark.read().format("delta").load(Lakehouse.gold(lakehouse.toString(), "fact_orders"));
      assertTypes(facts, Map.of("order_date", DataTypes.DateType, "order_id", DataTypes.StringType,
          "customer_id", DataTypes.IntegerType, "store_key", DataTypes.IntegerType, "payment_method_key", DataTypes.IntegerType,
          "product_key", DataTypes.IntegerType, "quantity", DataTypes.IntegerType, "subtotal", DataTypes.IntegerType,
          "discount_percent", DataTypes.IntegerType, "is_suggestion", DataTypes.BooleanType));
      assertTypes(facts, Map.of("order_ts", DataTypes.TimestampType));
      Row revenue = facts.filter("order_date = DATE'2026-11-10'")
          .selectExpr("SUM(subtotal)", "SUM(CASE WHEN is_suggestion THEN subtotal ELSE 0 END)").first();
      assertThat(revenue.getLong(0) + "/" + revenue.getLong(1), is("89500/31500"));
      Row joined = facts.join(products, "product_key").filter("is_suggestion").select("product_id").first();
      assertThat(joined.getString(0), is("CF02"));
      Dataset<Row> stores = spark.read().format("delta").load(Lakehouse.gold(lakehouse.toString(), "dim_stores"));
      assertTypes(stores, Map.of("store_key", DataTypes.IntegerType, "store_id", DataTypes.IntegerType,
          "city", DataTypes.StringType, "start_date", DataTypes.DateType));
      Dataset<Row> payments = spark.read().format("delta").load(Lakehouse.gold(lakehouse.toString(), "dim_payment_methods"));
      assertThat(payments.select("bank").first().getString(0), is("ACB"));
    } finally {
      spark.stop();
    }
  }

  private static void assertTypes(Dataset<Row> table, Map<String, DataType> expected) {
    expected.forEach((column, type) -> assertThat(column, table.schema().apply(column).dataType(), is(type)));
  }
}
