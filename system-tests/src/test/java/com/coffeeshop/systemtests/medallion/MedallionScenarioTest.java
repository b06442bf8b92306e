package com.coffeeshop.systemtests.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.schemas.LandingZone;
import com.coffeeshop.systemtests.testing.Failures;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import com.coffeeshop.tools.reports.DailyKpis;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily batch in real operation: one MySQL history over four days, written at those days' times
 * (MariaDB's own clock is set per session, so it assigns {@code changed_at} as it would have), with
 * bronze run at the end of each day and during days 2 and 3. Days and times are those of the chain,
 * in Hồ Chí Minh City (the default reporting time zone, UTC+7): 01:00 there is the previous UTC day. The history holds what breaks a batch
 * that reads by business columns:
 *
 * <ul>
 *   <li>a store loaded with an {@code updated_at} of 2025, with orders the same day;
 *   <li>a price changed twice in one day with an order at each price (the middle one never reaches
 *       bronze), and a price changed and reverted, with an order at the short-lived price;
 *   <li>an order a till synced two hours late, after a bronze run had passed its time;
 *   <li>a suggestion line written 30 minutes after its order, after a bronze run had read the order;
 *   <li>a suggestion priced from a cache 30 s behind a price change;
 *   <li>an order line corrected the next day (a second version of the row);
 *   <li>a product deleted (and seen deleted by a bronze run the same evening); an empty day;
 *   <li>a bronze run repeated, and a second bronze run planned while the first ran (an Airflow retry).
 * </ul>
 *
 * <p>Silver and gold then run in four orders: (a) day by day, (b) days 1, 2, 4, then 3 back-filled,
 * (c) every day twice, (d) each day right after the bronze run that ends it, as the scheduler runs the
 * steps, so the line corrected on day 3 makes the day-3 build restate day 2. Flink and Spark run (a) and
 * (d) only: (d) already builds days out of order (it restates day 2 after day 3), and (b) and (c) test our
 * transforms' logic, which the DirectRunner runs the same. Every order gives the same gold rows, byte for
 * byte; nothing committed in MySQL
 * is missing from bronze or gold, nothing valid is quarantined; the lines whose price bronze could
 * not see are warnings. Variant (a)'s gold rows are kept under {@code target/} and compared with those
 * of the other runners that ran before in the same build.
 */
@OnEveryRunner
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MedallionScenarioTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate D2 = D1.plusDays(1);
  private static final LocalDate D3 = D1.plusDays(2);
  private static final LocalDate D4 = D1.plusDays(3);
  private static final List<LocalDate> DAYS = List.of(D1, D2, D3, D4);
  private static final List<String> GOLD = List.of("dim_products", "dim_stores", "dim_payment_methods", "fact_orders");

  @TempDir static Path work;
  private LandingZoneDatabase db;
  private Connection writer;
  private Path bronzeOnly;
  private int cf01;
  private int cf02;
  private int te01;
  private final Map<String, List<String>> gold = new LinkedHashMap<>();
  /** Variant (d): for each day built as the days came, the days silver and facts built (itself first). */
  private final Map<LocalDate, List<List<LocalDate>>> builtAsItCame = new LinkedHashMap<>();
  private String retryFailure;

  @BeforeAll
  void fourDaysOfHistory() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    writer = db.admin();
    for (String t : List.of("product_category", "products", "stores", "payment_methods", "customers")) {
      sql("UPDATE " + t + " SET changed_at = '2026-10-31 12:00:00'"); // loaded the day before
    }
    cf01 = price("CF01");
    cf02 = price("CF02");
    te01 = price("TE01");
    bronzeOnly = work.resolve("capture");

    at("2026-11-01 07:00:00");
    sql("INSERT INTO products (id, name, category_id, unit_price) VALUES ('ZZ01', 'Seasonal', 1, 50000)");
    order("O1-1", "2026-11-01 08:00:00", 1, line("CF01", 2, 0, cf01), line("CF02", 1, 0, cf02));
    at("2026-11-01 09:00:00");
    sql("INSERT INTO stores (id, name, address, district, city, updated_at)"
        + " VALUES (9001, 'Late store', '1 Old St', 'Q1', 'Hồ Chí Minh', '2025-01-01 00:00:00')");
    order("O1-2", "2026-11-01 10:00:00", 9001, line("CF01", 1, 0, cf01));
    order("O1-3", "2026-11-01 20:00:00", 2, line("TE01", 1, 0, te01));
    bronze("2026-11-02 00:10:00");
    Map<String, java.util.Optional<Long>> afterFirst = bronzeVersions();
    bronze("2026-11-02 00:10:00");
    assertThat("bronze run again over the same range commits nothing", bronzeVersions(), is(afterFirst));
    buildAsItCame(D1);

    order("O2-1", "2026-11-02 09:00:00", 1, line("CF01", 1, 0, cf01));
    at("2026-11-02 10:00:00");
    sql("UPDATE products SET unit_price = " + (cf01 + 2000) + " WHERE id = 'CF01'");
    order("O2-2", "2026-11-02 11:00:00", 1, line("CF01", 1, 0, cf01 + 2000));
    at("2026-11-02 12:00:00");
    sql("UPDATE products SET unit_price = " + (cf01 + 3000) + " WHERE id = 'CF01'");
    order("O2-3", "2026-11-02 13:00:00", 2, line("CF01", 1, 0, cf01 + 3000));
    bronze("2026-11-02 14:00:00");
    orderWrittenAt("O2-L", "2026-11-02 13:00:00", "2026-11-02 15:00:00", 2, line("CF02", 1, 0, cf02));
    order("O2-S", "2026-11-02 16:00:00", 1, line("CF01", 1, 0, cf01 + 3000));
    bronze("2026-11-02 16:20:00");
    at("2026-11-02 16:30:00");
    insertLine("O2-S", line("CF02", 1, 10, cf02), true);
    bronze("2026-11-03 00:10:00");
    buildAsItCame(D2);

    at("2026-11-03 08:00:00"); // yesterday's order corrected: a second cup
    sql("UPDATE order_details SET quantity = 2, subtotal = " + 2 * cf01 + " WHERE order_id = 'O2-1' AND product_id = 'CF01'");
    order("O3-1", "2026-11-03 09:00:00", 1, line("CF01", 1, 0, cf01 + 3000), line("CF02", 1, 0, cf02));
    at("2026-11-03 10:00:00");
    sql("UPDATE products SET unit_price = " + (cf02 + 1000) + " WHERE id = 'CF02'");
    order("O3-2", "2026-11-03 11:00:00", 2, line("CF02", 1, 0, cf02 + 1000));
    at("2026-11-03 12:00:00");
    sql("UPDATE products SET unit_price = " + cf02 + " WHERE id = 'CF02'");
    order("O3-3", "2026-11-03 12:00:30", 1, line("TE01", 1, 0, te01));
    insertLine("O3-3", line("CF02", 1, 10, cf02 + 1000), true); // priced from a cache 30 s behind the revert
    at("2026-11-03 18:00:00");
    sql("DELETE FROM products WHERE id = 'ZZ01'");
    // A run that sees the delete (its tombstone is dated at the run's upper bound), and an Airflow retry after a
    // timeout: a second run planned while the first still runs.
    Pipeline first = BronzeIngest.plan(bronzeOptions("2026-11-03 19:00:00"));
    Pipeline retry = BronzeIngest.plan(bronzeOptions("2026-11-03 19:00:00"));
    assertThat(first.run().waitUntilFinish(), is(PipelineResult.State.DONE));
    Throwable failed = assertThrows(Throwable.class, () -> {
      if (retry.run().waitUntilFinish() != PipelineResult.State.DONE) {
        throw new AssertionError("the retry did not finish");
      }
    });
    retryFailure = Failures.messages(failed);
    bronze("2026-11-04 00:10:00");
    buildAsItCame(D3);
    // day 4: nothing happens
    bronze("2026-11-05 00:10:00");
    buildAsItCame(D4);
    gold.put("d: each day at 00:10 after it, restating late days", goldRows(bronzeOnly.toString()));

    gold.put("a: in order", variant("a", List.of(D1, D2, D3, D4)));
    if (RunnerUnderTest.config().name().equals("direct")) { // the slow runners skip (b) and (c): see above
      gold.put("b: 1, 2, 4, then 3", variant("b", List.of(D1, D2, D4, D3)));
      gold.put("c: every day twice", variant("c", List.of(D1, D1, D2, D2, D3, D3, D4, D4)));
    }
  }

  @AfterAll
  void drop() throws Exception {
    if (writer != null) {
      writer.close();
    }
    if (db != null) {
      db.close();
    }
  }

  // --- the history ----------------------------------------------------------------------------------

  private void sql(String statement) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.execute(statement);
    }
  }

  private static final java.time.ZoneId CHAIN = java.time.ZoneId.of("Asia/Ho_Chi_Minh");

  /** A local time of the chain as an instant. */
  private static java.time.Instant instant(String local) {
    return java.time.LocalDateTime.parse(local.replace(' ', 'T')).atZone(CHAIN).toInstant();
  }

  /** A local time of the chain as a UTC DATETIME literal (the landing zone stores UTC). */
  private static String utc(String local) {
    return java.time.LocalDateTime.ofInstant(instant(local), java.time.ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
  }

  /** From now on this session's writes happen at {@code time} (the chain's local time), in MariaDB's eyes. */
  private void at(String time) throws SQLException {
    sql("SET timestamp = " + instant(time).getEpochSecond());
  }

  private int price(String product) throws SQLException {
    return (int) db.scalar("SELECT unit_price FROM products WHERE id = '" + product + "'");
  }

  private record Line(String product, int quantity, int discount, int unitPrice) {}

  private static Line line(String product, int quantity, int discount, int unitPrice) {
    return new Line(product, quantity, discount, unitPrice);
  }

  private void order(String id, String placed, int store, Line... lines) throws SQLException {
    orderWrittenAt(id, placed, placed, store, lines);
  }

  private void orderWrittenAt(String id, String placed, String written, int store, Line... lines) throws SQLException {
    at(written);
    sql("INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id) VALUES ('" + id + "', '"
        + utc(placed) + "', " + store + ", 1, 1)");
    for (Line l : lines) {
      insertLine(id, l, false);
    }
  }

  private void insertLine(String order, Line l, boolean suggestion) throws SQLException {
    long net = (long) l.unitPrice() * l.quantity() * (100 - l.discount()) / 100;
    sql("INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion) VALUES ('"
        + order + "', '" + l.product() + "', " + l.quantity() + ", " + l.discount() + ", " + net + ", "
        + (suggestion ? 1 : 0) + ")");
  }

  private BronzeIngest.Options bronzeOptions(String to) throws IOException {
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name,
        "--lakehouse=" + bronzeOnly, "--to=" + instant(to)));
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(BronzeIngest.Options.class);
  }

  private void bronze(String to) throws IOException {
    assertThat(BronzeIngest.run(bronzeOptions(to)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  /**
   * Variant (d), in the capture lakehouse itself: the day built right after the bronze run that ends it, as
   * the scheduler runs the steps (late days restated).
   */
  private void buildAsItCame(LocalDate day) throws IOException {
    Medallion m = new Medallion(bronzeOnly.toString());
    List<LocalDate> silver = m.silverAndLateDays(day);
    m.dimensions(day);
    builtAsItCame.put(day, List.of(silver, m.factsAndLateDays(day)));
  }

  private Map<String, java.util.Optional<Long>> bronzeVersions() {
    Map<String, java.util.Optional<Long>> v = new LinkedHashMap<>();
    LandingZone.TABLES.forEach(t -> v.put(t, DeltaTables.latestVersion(Lakehouse.bronze(bronzeOnly.toString(), t))));
    return v;
  }

  // --- the variants ---------------------------------------------------------------------------------

  /** Copies the captured bronze into a new lakehouse, runs silver and gold for the days in that order. */
  private List<String> variant(String name, List<LocalDate> order) throws IOException {
    Path lake = work.resolve("variant-" + name);
    copy(bronzeOnly.resolve("bronze"), lake.resolve("bronze"));
    Medallion m = new Medallion(lake.toString());
    for (LocalDate d : order) {
      m.silver(d);
      m.dimensions(d);
      m.facts(d);
    }
    return goldRows(lake.toString());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static List<String> goldRows(String lake) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String t : GOLD) {
      DeltaTables.readSmall(Lakehouse.gold(lake, t), AvroSchemas.gold(t), null).forEach(r -> rows.add(t + " " + r));
    }
    rows.sort(String::compareTo);
    return rows;
  }

  private String lakeA() {
    return work.resolve("variant-a").toString();
  }

  private List<GenericRecord> rows(String layer, String table, String partition) throws IOException {
    String path = layer.equals("bronze") ? Lakehouse.bronze(lakeA(), table)
        : layer.equals("silver") ? Lakehouse.silver(lakeA(), table) : Lakehouse.gold(lakeA(), table);
    return DeltaTables.readSmall(path, layer.equals("bronze") ? AvroSchemas.bronze(table)
        : layer.equals("silver") ? AvroSchemas.silver(table) : AvroSchemas.gold(table), partition);
  }


  // --- the checks -----------------------------------------------------------------------------------

  @Test
  void everyOrderOfRunsGivesTheSameGoldRows() {
    List<String> inOrder = gold.get("a: in order");
    assertThat(inOrder.size() > 20, is(true));
    gold.forEach((variant, rows) -> assertThat(variant + " equals the in-order run", rows, is(inOrder)));
  }

  @Test
  void aDayBuiltBeforeItsLateRowsIsRestatedByTheNextBuild() {
    assertThat(builtAsItCame.get(D1), is(List.of(List.of(D1), List.of(D1))));
    assertThat(builtAsItCame.get(D2), is(List.of(List.of(D2), List.of(D2))));
    assertThat("the line of day 2 corrected on day 3 restates day 2's silver and facts", builtAsItCame.get(D3),
        is(List.of(List.of(D3, D2), List.of(D3, D2))));
    assertThat("a restated day is not stale any more", builtAsItCame.get(D4), is(List.of(List.of(D4), List.of(D4))));
    assertThat(com.coffeeshop.pipelines.medallion.silver.SilverClean.staleDays(bronzeOnly.toString()), empty());
    assertThat(com.coffeeshop.pipelines.medallion.gold.GoldFacts.staleDays(bronzeOnly.toString()), empty());
  }

  @Test
  void theRunnersGiveTheSameGoldRows() throws IOException {
    Path dir = Path.of("target", "medallion-scenario");
    Files.createDirectories(dir);
    Files.write(dir.resolve(RunnerUnderTest.config().name() + ".txt"), gold.get("a: in order"));
    try (Stream<Path> others = Files.list(dir)) {
      for (Path other : (Iterable<Path>) others::iterator) {
        assertThat("gold of " + other.getFileName() + " equals this runner's", Files.readAllLines(other),
            is(gold.get("a: in order")));
      }
    }
  }

  @Test
  void everyRowVersionInMysqlIsInBronzeExactlyOnce() throws Exception {
    for (String table : LandingZone.TABLES) {
      String key = table.equals("order_details") ? "CONCAT(order_id, '|', product_id)" : "id";
      List<String> mysql = db.rows("SELECT " + key + ", DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%s.%f') FROM " + table);
      List<String> bronze = new ArrayList<>();
      for (GenericRecord r : rows("bronze", table, null)) {
        if (!(Boolean) r.get("_deleted")) {
          String k = table.equals("order_details") ? r.get("order_id") + "|" + r.get("product_id") : String.valueOf(r.get("id"));
          bronze.add(k + "|" + java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli((Long) r.get("_changed_at")),
              java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS000")));
        }
      }
      assertThat(table + ": no version twice", new HashSet<>(bronze).size(), is(bronze.size()));
      assertThat(table + ": MySQL's current rows are all in bronze", mysql, everyItem(in(new HashSet<>(bronze))));
    }
    assertThat("ZZ01 was deleted: one tombstone", rows("bronze", "products", null).stream()
        .filter(r -> (Boolean) r.get("_deleted")).map(r -> r.get("id").toString()).toList(), contains("ZZ01"));
  }

  @Test
  void theRetryPlannedDuringARunCommittedNothingAndSaidSo() {
    assertThat(retryFailure, containsString("this run committed nothing"));
  }

  @Test
  void everyLineReachesGoldAndNothingValidIsQuarantined() throws Exception {
    List<String> mysql = db.rows("SELECT CONCAT(d.order_id, '|', d.product_id, '|', d.subtotal), o.`timestamp`"
        + " FROM order_details d JOIN orders o ON o.id = d.order_id").stream().map(r -> {
          String[] parts = r.split("\\|");
          java.time.LocalDateTime placed = java.time.LocalDateTime.parse(parts[3].replace(' ', 'T'));
          return parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + placed.atOffset(java.time.ZoneOffset.UTC)
              .atZoneSameInstant(CHAIN).toLocalDate();
        }).toList();
    Map<Integer, String> products = new java.util.HashMap<>();
    rows("gold", "dim_products", null).forEach(r -> products.put((Integer) r.get("product_key"), r.get("product_id").toString()));
    List<String> facts = rows("gold", "fact_orders", null).stream().map(f -> f.get("order_id") + "|"
        + products.get((Integer) f.get("product_key")) + "|" + f.get("subtotal") + "|"
        + LocalDate.ofEpochDay((Integer) f.get("order_date"))).toList();
    assertThat(facts, containsInAnyOrder(mysql.toArray()));
    List<String> quarantine = new ArrayList<>();
    for (LocalDate d : DAYS) {
      rows("silver", "quarantine", d.toString()).forEach(q -> quarantine.add(q.get("severity") + " " + q.get("rule") + " "
          + q.get("record_key")));
    }
    assertThat("only warnings, for the prices bronze could not see", quarantine, containsInAnyOrder(
        "warn price_unverified O2-2|CF01", "warn price_unverified O3-2|CF02", "warn price_unverified O3-3|CF02"));
  }

  @Test
  void dimensionsFollowTheCapturedHistory() throws IOException {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (GenericRecord r : rows("gold", "dim_products", null)) {
      versions.computeIfAbsent(r.get("product_id").toString(), k -> new ArrayList<>())
          .add(r.get("unit_price") + " " + LocalDate.ofEpochDay((Integer) r.get("start_date")) + ".."
              + (r.get("end_date") == null ? "" : LocalDate.ofEpochDay((Integer) r.get("end_date"))));
    }
    assertThat("CF01: the middle price of day 2 was never captured", versions.get("CF01"),
        containsInAnyOrder(cf01 + " 1970-01-01..2026-11-02", (cf01 + 3000) + " 2026-11-02.."));
    assertThat("CF02: changed and reverted within day 3", versions.get("CF02"), contains(cf02 + " 1970-01-01.."));
    assertThat("ZZ01: deleted on day 3, valid through it", versions.get("ZZ01"), contains("50000 1970-01-01..2026-11-04"));
    // A first captured version is valid from the history start (orders imported from before it find it), whatever
    // the writer's updated_at says.
    assertThat("the store loaded with a 2025 updated_at starts at the history start",
        rows("gold", "dim_stores", null).stream().filter(r -> (Integer) r.get("store_id") == 9001)
            .map(r -> LocalDate.ofEpochDay((Integer) r.get("start_date")).toString()).toList(), contains("1970-01-01"));
  }

  @Test
  void theLateOrderAndTheLateSuggestionLineAreInTheirDay() throws IOException {
    List<String> day2 = rows("gold", "fact_orders", D2.toString()).stream()
        .map(f -> f.get("order_id") + " " + f.get("is_suggestion") + " " + f.get("discount_percent")).toList();
    assertThat(day2, org.hamcrest.Matchers.hasItems("O2-L false 0", "O2-S true 10", "O2-S false 0"));
  }

  @Test
  void theEmptyDayRunsGreenAndReportsZero() throws Exception {
    assertThat(rows("gold", "fact_orders", D4.toString()), is(empty()));
    DataQualityGate.check(lakeA(), D4, 1.0);
    DailyKpis kpis = DailyKpis.compute(lakeA(), D4);
    assertThat(kpis.orders() + " orders, " + kpis.lines() + " lines, " + kpis.revenue() + " VND",
        is("0 orders, 0 lines, 0 VND"));
  }

  @Test
  void aCorrectedLineCountsInItsNewestVersionAndTheOldOneIsSuperseded() throws IOException {
    assertThat(rows("gold", "fact_orders", D2.toString()).stream().filter(f -> f.get("order_id").toString().equals("O2-1"))
        .map(f -> f.get("quantity") + " " + f.get("subtotal")).toList(), contains("2 " + 2 * cf01));
    GenericRecord lines = DataQualityGate.report(lakeA(), D2).stream()
        .filter(r -> r.get("table_name").toString().equals("order_lines")).findFirst().orElseThrow();
    assertThat(lines.get("rows_in") + " in, " + lines.get("rows_superseded") + " superseded",
        is((1 + (Long) lines.get("rows_valid")) + " in, 1 superseded"));
  }

  @Test
  void theDaysWithWarningsPassTheGate() throws IOException {
    for (LocalDate d : List.of(D1, D2, D3)) {
      DataQualityGate.check(lakeA(), d, 0.0);
    }
    Set<String> warned = new HashSet<>();
    DataQualityGate.report(lakeA(), D3).forEach(r -> warned.add(r.get("table_name") + " " + r.get("rows_warned")));
    assertThat(warned.contains("order_lines 2"), is(true));
  }
}
