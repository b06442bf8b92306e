package com.coffeeshop.systemtests.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.medallion.silver.SilverClean;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.systemtests.testing.Failures;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB → bronze → silver → gold for two days on the runner under test, with a price change and a
 * store move between them and a suggested line on the first day: the dimensions version the changes,
 * each fact line joins to the version valid on its day, the facts reconcile with MariaDB, and re-runs
 * change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@OnEveryRunner
class GoldStarSchemaTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 2);
  private static final String CHANGED = "CF02";
  @TempDir static Path lakehouse;
  private LandingZoneDatabase db;
  private Medallion medallion;
  private int oldPrice;
  private String suggestedOrder;
  private List<String> factsD1;
  private List<String> factsD2;
  private List<String> dimsAfterD2;

  private void sql(String... statements) throws Exception {
    try (Connection c = db.admin(); Statement s = c.createStatement()) {
      for (String st : statements) {
        s.executeUpdate(st);
      }
    }
  }

  private void bronze(String... extra) throws Exception {
    List<String> args = RunnerUnderTest.args();
    // UTC days: the checks compare with MariaDB's own DATE() and HOUR()
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name, "--lakehouse=" + lakehouse,
        "--timeZone=UTC"));
    args.addAll(List.of(extra));
    BronzeIngest.Options o = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
        .as(BronzeIngest.Options.class);
    assertThat(BronzeIngest.run(o).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  private void day(LocalDate d) throws Exception {
    medallion.silver(d);
    medallion.dimensions(d);
    medallion.facts(d);
  }

  /** Generated orders (those not yet on a test day) are moved into day {@code d}, and one line of CHANGED is ensured. */
  private void ordersOn(LocalDate d, int count, int seed) throws Exception {
    db.cli("generate-orders", "--orders", String.valueOf(count), "--rate", "0", "--seed", String.valueOf(seed));
    sql("UPDATE orders SET `timestamp` = TIMESTAMP('" + d + " 06:00:00') + INTERVAL (CRC32(id) % 60000) SECOND"
        + " WHERE `timestamp` > '2026-11-20'");
    String order = db.rows("SELECT o.id FROM orders o WHERE DATE(o.`timestamp`) = '" + d + "' AND NOT EXISTS"
        + " (SELECT 1 FROM order_details d WHERE d.order_id = o.id AND d.product_id = '" + CHANGED + "') ORDER BY o.id LIMIT 1").get(0);
    sql("INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
        + " SELECT '" + order + "', id, 1, 0, unit_price, 0 FROM products WHERE id = '" + CHANGED + "'");
  }

  /** The day's orders and lines, as if written when they were placed. */
  private void writtenAtTheirTimes(LocalDate d) throws Exception {
    sql("UPDATE order_details l JOIN orders o ON o.id = l.order_id SET l.changed_at = o.`timestamp`"
            + " WHERE DATE(o.`timestamp`) = '" + d + "'",
        "UPDATE orders SET changed_at = `timestamp` WHERE DATE(`timestamp`) = '" + d + "'");
  }

  @BeforeAll
  void twoDays() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    medallion = new Medallion(lakehouse.toString(), "--timeZone=UTC");
    // History in the past: every row is back-dated to when it would have been written (MySQL's changed_at),
    // and each bronze run reads up to the end of its day.
    for (String t : List.of("product_category", "products", "stores", "payment_methods", "customers")) {
      sql("UPDATE " + t + " SET updated_at = '" + D1 + " 00:00:00', changed_at = '" + D1 + " 00:00:00'");
    }
    oldPrice = (int) db.scalar("SELECT unit_price FROM products WHERE id = '" + CHANGED + "'");
    ordersOn(D1, 40, 21);
    suggestedOrder = db.rows("SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_details d"
        + " WHERE d.order_id = o.id AND d.product_id = 'CF04') ORDER BY o.id LIMIT 1").get(0);
    sql("INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)"
        + " SELECT '" + suggestedOrder + "', id, 1, 10, unit_price * 90 DIV 100, 1 FROM products WHERE id = 'CF04'");
    writtenAtTheirTimes(D1);
    bronze("--to=" + D2 + "T00:00:00Z");
    day(D1);
    factsD1 = facts(D1);

    sql("UPDATE products SET unit_price = unit_price + 5000, changed_at = '" + D2 + " 00:00:00' WHERE id = '" + CHANGED + "'",
        "UPDATE stores SET address = CONCAT(address, ' (moved)'), changed_at = '" + D2 + " 00:00:00' WHERE id = 1");
    ordersOn(D2, 40, 22);
    writtenAtTheirTimes(D2);
    bronze("--to=" + D2.plusDays(1) + "T00:00:00Z");
    day(D2);
    factsD2 = facts(D2);
    dimsAfterD2 = dims();
  }

  @AfterAll
  void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private List<String> facts(LocalDate d) throws Exception {
    return medallion.goldRows("fact_orders").stream()
        .filter(f -> (Integer) f.get("order_date") == d.toEpochDay())
        .map(Object::toString).sorted().toList();
  }

  private List<String> dims() throws Exception {
    List<String> all = new ArrayList<>();
    for (String t : List.of("dim_products", "dim_stores", "dim_payment_methods")) {
      medallion.goldRows(t).forEach(r -> all.add(t + r));
    }
    all.sort(String::compareTo);
    return all;
  }

  private List<GenericRecord> versions(String table, String column, Object key) throws Exception {
    return medallion.goldRows(table).stream().filter(r -> String.valueOf(r.get(column)).equals(String.valueOf(key)))
        .sorted((a, b) -> Integer.compare((Integer) a.get("start_date"), (Integer) b.get("start_date"))).toList();
  }

  private static String validity(GenericRecord v) {
    Object end = v.get("end_date");
    return LocalDate.ofEpochDay((Integer) v.get("start_date")) + ".." + (end == null ? "" : LocalDate.ofEpochDay((Integer) end))
        + (((Boolean) v.get("is_current")) ? " current" : "");
  }

  @Test
  void dimensionsVersionTheChangesWithUniqueKeys() throws Exception {
    List<GenericRecord> changed = versions("dim_products", "product_id", CHANGED);
    assertThat(changed.stream().map(v -> v.get("unit_price") + " " + validity(v)).toList(),
        is(List.of(oldPrice + " 1970-01-01..2026-11-02", (oldPrice + 5000) + " 2026-11-02.. current")));
    List<GenericRecord> products = medallion.goldRows("dim_products");
    assertThat(products.size(), is(27));
    assertThat(new HashSet<>(products.stream().map(r -> r.get("product_key")).toList()).size(), is(27));
    assertThat(versions("dim_stores", "store_id", 1).stream().map(GoldStarSchemaTest::validity).toList(),
        is(List.of("1970-01-01..2026-11-02", "2026-11-02.. current")));
    assertThat(medallion.goldRows("dim_stores").size(), is(121));
    assertThat(medallion.goldRows("dim_payment_methods").stream().map(r -> (Boolean) r.get("is_current")).toList(),
        everyItem(is(true)));
  }

  @Test
  void eachLineJoinsTheVersionValidOnItsDay() throws Exception {
    List<GenericRecord> changed = versions("dim_products", "product_id", CHANGED);
    List<GenericRecord> store = versions("dim_stores", "store_id", 1);
    for (GenericRecord f : medallion.goldRows("fact_orders")) {
      boolean first = (Integer) f.get("order_date") == D1.toEpochDay();
      if (new HashSet<>(changed.stream().map(v -> v.get("product_key")).toList()).contains(f.get("product_key"))) {
        assertThat(f.get("product_key"), is(changed.get(first ? 0 : 1).get("product_key")));
      }
      if (new HashSet<>(store.stream().map(v -> v.get("store_key")).toList()).contains(f.get("store_key"))) {
        assertThat(f.get("store_key"), is(store.get(first ? 0 : 1).get("store_key")));
      }
    }
    Map<Object, Long> changedPerKey = medallion.goldRows("fact_orders").stream()
        .filter(f -> f.get("product_key").equals(changed.get(0).get("product_key"))
            || f.get("product_key").equals(changed.get(1).get("product_key")))
        .collect(Collectors.groupingBy(f -> f.get("product_key"), Collectors.counting()));
    assertThat("both versions have facts", changedPerKey.size(), is(2));
    GenericRecord suggestion = medallion.goldRows("fact_orders").stream().filter(f -> (Boolean) f.get("is_suggestion"))
        .findFirst().orElseThrow();
    assertThat(suggestion.get("order_id") + " " + suggestion.get("discount_percent"), is(suggestedOrder + " 10"));
  }

  @Test
  void factsReconcileWithTheSource() throws Exception {
    for (LocalDate d : List.of(D1, D2)) {
      List<GenericRecord> facts = medallion.goldRows("fact_orders").stream()
          .filter(f -> (Integer) f.get("order_date") == d.toEpochDay()).toList();
      String ours = facts.stream().map(f -> f.get("order_id").toString()).distinct().count() + "|" + facts.size() + "|"
          + facts.stream().mapToLong(f -> (Integer) f.get("subtotal")).sum() + "|"
          + facts.stream().filter(f -> (Boolean) f.get("is_suggestion")).count();
      assertThat(d.toString(), ours, is(db.rows("SELECT COUNT(DISTINCT o.id), COUNT(*), SUM(d.subtotal), SUM(d.is_suggestion)"
          + " FROM orders o JOIN order_details d ON d.order_id = o.id WHERE DATE(o.`timestamp`) = '" + d + "'").get(0)));
      for (GenericRecord r : DataQualityGate.report(lakehouse.toString(), d)) {
        assertThat(d + " " + r.get("table_name") + " quarantined", r.get("rows_quarantined"), is(0L));
      }
    }
  }

  @Test
  void theLakehouseSummaryPrintsTheDay() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = com.coffeeshop.tools.CoffeeCli.commandLine().setOut(new java.io.PrintWriter(out, true))
        .execute("lakehouse-summary", "--lakehouse", lakehouse.toString(), "--date", D1.toString());
    assertThat(code, is(0));
    String[] source = db.rows("SELECT COUNT(*), COUNT(DISTINCT o.id), SUM(d.subtotal) FROM orders o JOIN order_details d"
        + " ON d.order_id = o.id WHERE DATE(o.`timestamp`) = '" + D1 + "'").get(0).split("\\|");
    assertThat(out.toString(), org.hamcrest.Matchers.containsString(String.format("%s lines on %s, %s orders, revenue %,d VND,"
        + " 1 suggested lines", source[0], D1, source[1], Long.parseLong(source[2]))));
    assertThat(out.toString(), org.hamcrest.Matchers.containsString("dim_products             27 versions,     26 current"));
  }

  @Test
  void theGoldChecksumCoversExactlyTheDaysFactsAndTellsDaysApart() throws Exception {
    String d1 = checksumLine(D1, "fact_orders");
    assertThat(d1, org.hamcrest.Matchers.containsString(factsD1.size() + " rows  sha256 " + sortedRowsDigest(factsD1)));
    assertThat("another day's facts, another checksum", checksumLine(D2, "fact_orders"),
        org.hamcrest.Matchers.containsString(factsD2.size() + " rows  sha256 " + sortedRowsDigest(factsD2)));
    assertThat(factsD1.equals(factsD2), is(false));
    assertThat("the same lakehouse twice, the same checksum", checksumLine(D1, "fact_orders"), is(d1));
  }

  private String checksumLine(LocalDate d, String table) {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = com.coffeeshop.tools.CoffeeCli.commandLine().setOut(new java.io.PrintWriter(out, true))
        .execute("gold-checksum", "--lakehouse", lakehouse.toString(), "--date", d.toString());
    assertThat(code, is(0));
    return out.toString().lines().filter(l -> l.startsWith(table + " ")).findFirst().orElseThrow();
  }

  /** SHA-256 over the sorted SHA-256 digests (hex) of the rows' text. */
  private static String sortedRowsDigest(List<String> rows) throws Exception {
    java.util.HexFormat hex = java.util.HexFormat.of();
    List<String> digests = new ArrayList<>();
    for (String r : rows) {
      digests.add(hex.formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(r.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }
    digests.sort(null);
    java.security.MessageDigest all = java.security.MessageDigest.getInstance("SHA-256");
    digests.forEach(x -> all.update(x.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    return hex.formatHex(all.digest());
  }

  /** MariaDB's own GROUP BY of the day, as label → value. */
  private Map<String, Long> source(String select, String groupBy, LocalDate d) throws Exception {
    Map<String, Long> m = new java.util.HashMap<>();
    for (String row : db.rows("SELECT " + select + " FROM orders o JOIN order_details d ON d.order_id = o.id"
        + " JOIN stores s ON s.id = o.store_id JOIN products p ON p.id = d.product_id"
        + " JOIN product_category c ON c.id = p.category_id WHERE DATE(o.`timestamp`) = '" + d + "' GROUP BY " + groupBy)) {
      int bar = row.lastIndexOf('|');
      m.put(row.substring(0, bar), Long.parseLong(row.substring(bar + 1)));
    }
    return m;
  }

  @Test
  void theKpisReconcileWithTheSource() throws Exception {
    for (LocalDate d : List.of(D1, D2)) {
      com.coffeeshop.tools.reports.DailyKpis k = com.coffeeshop.tools.reports.DailyKpis.compute(lakehouse.toString(), d);
      assertThat(d + " totals", k.orders() + "|" + k.lines() + "|" + k.revenue() + "|" + k.suggestedLines() + "|"
          + k.suggestedRevenue(), is(db.rows("SELECT COUNT(DISTINCT o.id), COUNT(*), SUM(d.subtotal), SUM(d.is_suggestion),"
          + " SUM(IF(d.is_suggestion = 1, d.subtotal, 0)) FROM orders o JOIN order_details d ON d.order_id = o.id"
          + " WHERE DATE(o.`timestamp`) = '" + d + "'").get(0)));
      assertThat(d + " by city", k.revenueByCity(), is(source("s.city, SUM(d.subtotal)", "s.city", d)));
      assertThat(d + " by store", k.revenueByStore(),
          is(source("CONCAT(s.name, ', ', s.city), SUM(d.subtotal)", "s.id", d)));
      assertThat(d + " by product", k.unitsByProduct(), is(source("p.name, SUM(d.quantity)", "p.id", d)));
      assertThat(d + " by category", k.revenueByCategory(), is(source("c.name, SUM(d.subtotal)", "c.id", d)));
      Map<String, Long> hours = new java.util.HashMap<>();
      for (int h = 0; h < 24; h++) {
        if (k.ordersByHour()[h] > 0) {
          hours.put(String.valueOf(h), k.ordersByHour()[h]);
        }
      }
      assertThat(d + " by hour", hours, is(source("HOUR(o.`timestamp`), COUNT(DISTINCT o.id)", "HOUR(o.`timestamp`)", d)));
      List<Long> ranked = List.copyOf(k.revenueByStore().values());
      for (int i = 1; i < ranked.size(); i++) {
        assertThat("stores ranked highest first", ranked.get(i - 1) >= ranked.get(i), is(true));
      }
    }
  }

  @Test
  void theKpiReportIsAPageWithDrawnCharts(@TempDir Path reports) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = com.coffeeshop.tools.CoffeeCli.commandLine().setOut(new java.io.PrintWriter(out, true))
        .execute("kpi-report", "--lakehouse", lakehouse.toString(), "--date", D1.toString(), "--out", reports.toString(),
            "--top", "3");
    assertThat(code, is(0));
    Path page = reports.resolve("kpi-" + D1 + ".html");
    assertThat(out.toString(), org.hamcrest.Matchers.containsString("KPI report: " + page.toAbsolutePath()));
    String html = java.nio.file.Files.readString(page);
    long revenue = db.scalar("SELECT SUM(d.subtotal) FROM orders o JOIN order_details d ON d.order_id = o.id"
        + " WHERE DATE(o.`timestamp`) = '" + D1 + "'");
    assertThat(html, org.hamcrest.Matchers.containsString(String.format("<th>revenue (VND)</th><td class=\"n\">%,d</td>", revenue)));
    assertThat(html.split("<tr><td>").length - 1, is(source("s.city, 1", "s.city", D1).size() + 3 + 24 + 3
        + source("c.name, 1", "c.id", D1).size())); // every city, top 3 stores, 24 hours, top 3 products, every category
    for (String chart : List.of("revenue_by_city", "revenue_by_store", "orders_by_hour", "units_by_product",
        "revenue_by_category")) {
      String png = "kpi-" + D1 + "-" + chart + ".png";
      assertThat(html, org.hamcrest.Matchers.containsString("<img src=\"" + png + "\""));
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(reports.resolve(png).toFile());
      assertThat(png + " is a PNG", image != null, is(true));
      long barPixels = 0;
      for (int x = 0; x < image.getWidth(); x++) {
        for (int y = 0; y < image.getHeight(); y++) {
          barPixels += (image.getRGB(x, y) & 0xFFFFFF) == 0x6F4E37 ? 1 : 0;
        }
      }
      assertThat(png + " has bars drawn", barPixels > 100, is(true));
    }
  }

  /**
   * A facts run that fails part-way (a line of the day whose product has no dimension version: silver changed
   * after the dimensions were built) commits nothing: gold is as it was, whatever files its workers wrote.
   * Once silver is rebuilt, the next run builds the day as before.
   */
  @Test
  void aFactsRunThatFailsCommitsNothingAndTheNextRunBuildsTheDay() throws Exception {
    String table = Lakehouse.gold(lakehouse.toString(), "fact_orders");
    Optional<Long> version = DeltaTables.latestVersion(table);
    List<String> before = medallion.goldRows("fact_orders").stream().map(Object::toString).sorted().toList();
    GenericRecord line = new GenericData.Record(AvroSchemas.silver("order_lines"));
    GenericRecord model = medallion.silverRows("order_lines", D2).get(0);
    model.getSchema().getFields().forEach(f -> line.put(f.name(), model.get(f.name())));
    line.put("product_id", "ZZ99");
    medallion.appendSilver("order_lines", List.of(line));

    Throwable failed = assertThrows(Throwable.class, () -> medallion.facts(D2));
    assertThat(Failures.messages(failed), containsString("no version of ZZ99 valid on " + D2
        + ": run GoldDimensions --date=" + D2 + " first"));
    assertThat("the failed run committed nothing", DeltaTables.latestVersion(table), is(version));
    assertThat(medallion.goldRows("fact_orders").stream().map(Object::toString).sorted().toList(), is(before));

    medallion.silver(D2); // rebuilt from bronze: the line is gone
    medallion.facts(D2);
    assertThat(facts(D2), is(factsD2));
    assertThat(facts(D1), is(factsD1));
  }

  @Test
  void reRunsChangeNothing() throws Exception {
    day(D2);
    assertThat(facts(D2), is(factsD2));
    assertThat(dims(), is(dimsAfterD2));
    medallion.dimensions(D1); // already past D1: kept as is
    medallion.facts(D1);
    assertThat(facts(D1), is(factsD1));
    assertThat(dims(), is(dimsAfterD2));
    assertThat(factsD1, is(not(List.of())));
  }
}
