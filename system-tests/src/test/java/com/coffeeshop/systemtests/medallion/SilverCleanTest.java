package com.coffeeshop.systemtests.medallion;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.medallion.silver.SilverClean;
import static com.coffeeshop.systemtests.testing.Medallion.bronzeRow;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.systemtests.testing.Failures;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver on the runner under test, from bronze tables written here with one row per broken rule:
 * each lands in quarantine with its rule, the clean rows are typed and cleaned, every table
 * reconciles (in = valid + quarantined), the gate fails the day over its threshold, a re-run replaces
 * the day, and the next day's snapshot carries every entity forward with only the day's changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@OnEveryRunner
class SilverCleanTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 10);
  private static final LocalDate NEXT = DAY.plusDays(1);
  private static final String AT = "2026-11-10 01:00:00";
  @TempDir static Path lakehouse;
  private Medallion medallion;

  private static Map<String, String> row(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private void bronze(String table, LocalDate partition, List<Map<String, String>> rows) {
    List<GenericRecord> records = new ArrayList<>();
    rows.forEach(r -> records.add(bronzeRow(table, partition, r)));
    medallion.appendBronze(table, records);
  }

  private static Map<String, String> product(String id, String name, String category, String price, String at) {
    return row("id", id, "name", name, "category_id", category, "unit_price", price, "updated_at", at);
  }

  private static Map<String, String> order(String id, String ts, String store, String payment, String customer) {
    return row("id", id, "timestamp", ts, "store_id", store, "payment_method_id", payment, "customer_id", customer);
  }

  private static Map<String, String> line(String order, String product, String qty, String discount, String subtotal,
      String suggestion) {
    return row("order_id", order, "product_id", product, "quantity", qty, "discount_percent", discount,
        "subtotal", subtotal, "is_suggestion", suggestion);
  }

  @BeforeAll
  void bronzeWithOneRowPerRule() throws Exception {
    medallion = new Medallion(lakehouse.toString());
    bronze("product_category", DAY, List.of(
        row("id", "1", "name", "Cà phê", "updated_at", AT),
        row("id", "2", "name", " Trà \r\n", "updated_at", AT)));
    bronze("products", DAY, List.of(
        product("CF01", "Cà phê đen", "1", "29000", AT),
        product("CF02", "  Cà phê\r\nsữa  ", "1", "35000", AT),
        product("TE01", "Trà đào", "2", "40000", AT),
        product(" ", "Nameless", "1", "10000", AT),
        product("BAD1", "Bad price", "1", "abc", AT),
        product("BAD2", "Free", "1", "0", AT),
        product("BAD3", "Orphan", "99", "10000", AT),
        product("BAD4", "When", "1", "10000", "yesterday"),
        product("BAD5", "NULL", "1", "10000", AT),
        product("CF03", "Bạc xỉu A", "1", "30000", AT),
        product("CF03", "Bạc xỉu B", "1", "30000", AT)));
    bronze("stores", DAY, List.of(
        row("id", "1", "name", "Q1", "address", "1 Lê Lợi", "district", "Quận 1", "city", "Hồ Chí Minh", "updated_at", AT),
        row("id", "2", "name", "HK", "address", "2 Hàng Bạc", "district", "Hoàn Kiếm", "city", "Hà Nội", "updated_at", AT)));
    bronze("payment_methods", DAY, List.of(
        row("id", "1", "method_name", "Cash", "bank", "null", "updated_at", AT),
        row("id", "2", "method_name", "Bank transfer", "bank", "ACB", "updated_at", AT)));
    bronze("customers", DAY, List.of(
        row("id", "1", "name", "An", "phone_number", "0900000001", "tier", "regular", "updated_at", AT),
        row("id", "2", "name", "Bình", "phone_number", "0900000002", "tier", "DIAMOND", "updated_at", AT),
        row("id", "3", "name", "Chi", "phone_number", "0900000003", "tier", "platinum", "updated_at", AT)));
    bronze("orders", DAY, List.of(
        order("O1", "2026-11-10 08:00:00", "1", "2", "1"),
        order("O1", "2026-11-10 08:00:00", "1", "2", "1"),
        order("O2", "2026-11-10 09:00:00.250", "2", "1", "2"),
        order("null", "2026-11-10 09:00:00", "1", "1", "1"),
        order("O4", "not a time", "1", "1", "1"),
        order("O5", "2099-01-01 00:00:00", "1", "1", "1"),
        order("O6", "2026-11-09 16:59:59", "1", "1", "1"), // 23:59:59 the day before, in Hồ Chí Minh City
        order("O7", "2026-11-10 10:00:00", "999", "1", "1"),
        order("O8", "2026-11-10 10:00:00", "1", "999", "1"),
        order("O9", "2026-11-10 10:00:00", "1", "1", "3")));
    bronze("order_details", DAY, List.of(
        line("O1", "CF01", "2", "0", "58000", "0"),
        line("O1", "CF02", "1", "10", "31500", "1"),
        line("O2", "TE01", "1", "0", "40000", "0"),
        line("O2", "CF01", "0", "0", "0", "0"),
        line("O2", "CF02", "1", "150", "0", "0"),
        line("O1", "TE01", "1", "0", "12345", "0"),
        line("O2", "ZZ99", "1", "0", "10000", "0"),
        line("O7", "CF01", "1", "0", "29000", "0"),
        line("OX", "CF01", "1", "0", "29000", "0"),
        line("O1", "CF01", "2", "0", "58000", "false"),
        line("", "CF01", "1", "0", "29000", "0"),
        line("O2", "CF03", "1", "0", "30000", "yes")));
    medallion.silver(DAY, "--maxQuarantinedPercent=100");
  }

  /**
   * The fixture's bronze rows copied in 3 buckets of the order id, in two commits as a late run adds rows to a
   * day: the same silver as in 16 buckets, whatever the number. Then a late order and line appended in files of no
   * bucket (nothing of ours writes them) make silver refuse the day, naming a file, instead of joining it wrong.
   */
  @Test
  void anyNumberOfBucketsGivesTheSameSilverAndAFileOutsideThemIsRefused(@TempDir Path copies) throws Exception {
    Medallion sixteen = new Medallion(copies.resolve("sixteen").toString());
    Medallion three = new Medallion(copies.resolve("three").toString());
    for (String table : List.of("product_category", "products", "stores", "payment_methods", "customers", "orders",
        "order_details")) {
      List<GenericRecord> rows = DeltaTables.readSmall(Lakehouse.bronze(lakehouse.toString(), table),
          AvroSchemas.bronze(table), null);
      int half = rows.size() / 2;
      sixteen.appendBronze(table, rows);
      three.appendBronze(table, rows.subList(0, half), 3);
      three.appendBronze(table, rows.subList(half, rows.size()), 3);
    }
    assertSameSilver(sixteen, three);

    three.appendBronzeWithoutBuckets("orders", List.of(bronzeRow("orders", DAY, order("O10", "2026-11-10 11:00:00", "1", "1", "1"))));
    Exception refused = assertThrows(Exception.class, () -> three.silver(DAY, "--maxQuarantinedPercent=100"));
    assertThat(Failures.messages(refused), containsString("is bucketed by nothing, others of its day as order_id/3"));
  }

  private static void assertSameSilver(Medallion plain, Medallion bucketed) throws Exception {
    plain.silver(DAY, "--maxQuarantinedPercent=100");
    bucketed.silver(DAY, "--maxQuarantinedPercent=100");
    for (String table : List.of("orders", "order_lines", "quarantine", "dq_report")) {
      List<String> expected = withoutRunIds(plain.silverRows(table, DAY));
      assertThat(table + " has rows", expected.isEmpty(), is(false));
      assertThat(table, withoutRunIds(bucketed.silverRows(table, DAY)), is(expected));
    }
  }

  private static List<String> withoutRunIds(List<GenericRecord> rows) {
    return rows.stream().map(r -> {
      GenericRecord copy = new org.apache.avro.generic.GenericData.Record((org.apache.avro.generic.GenericData.Record) r, true);
      if (copy.getSchema().getField("run_id") != null) {
        copy.put("run_id", null);
      }
      return copy.toString();
    }).sorted().toList();
  }

  private static String show(GenericRecord q) {
    return q.get("table_name") + ":" + q.get("rule") + ":" + q.get("record_key");
  }

  @Test
  void everyBrokenRuleQuarantinesItsRowWithItsReason() throws Exception {
    List<GenericRecord> quarantine = medallion.silverRows("quarantine", DAY);
    assertThat(quarantine.stream().map(SilverCleanTest::show).toList(), containsInAnyOrder(
        "products:null_key:null", "products:not_a_number:BAD1", "products:non_positive_price:BAD2",
        "products:unknown_category:BAD3", "products:missing_value:BAD5",
        "products:duplicate_key:CF03", "customers:unknown_tier:3",
        "orders:duplicate_key:O1", "orders:null_key:null", "orders:unparsable_timestamp:O4",
        "orders:future_timestamp:O5", "orders:wrong_day:O6", "orders:unknown_store:O7",
        "orders:unknown_payment_method:O8", "orders:unknown_customer:O9",
        "order_lines:non_positive_quantity:O2|CF01", "order_lines:discount_out_of_range:O2|CF02",
        "order_lines:subtotal_mismatch:O1|TE01", "order_lines:unknown_product:O2|ZZ99",
        "order_lines:unknown_order:O7|CF01", "order_lines:unknown_order:OX|CF01", "order_lines:duplicate_key:O1|CF01",
        "order_lines:null_key:null", "order_lines:bad_flag:O2|CF03"));
    GenericRecord mismatch = quarantine.stream().filter(q -> q.get("rule").toString().equals("subtotal_mismatch"))
        .findFirst().orElseThrow();
    assertThat(mismatch.get("detail").toString(), is("subtotal=12345 but unit_price 40000 × quantity 1 less 0% = 40000"));
    assertThat("the original values are kept", mismatch.get("original").toString(), containsString("\"subtotal\": \"12345\""));
  }

  @Test
  void everyTableReconcilesInTheReport() throws Exception {
    Map<String, String> report = new HashMap<>();
    for (GenericRecord r : DataQualityGate.report(lakehouse.toString(), DAY)) {
      assertThat(r.get("table_name") + " in = valid + quarantined", (Long) r.get("rows_in"),
          is((Long) r.get("rows_valid") + (Long) r.get("rows_quarantined")));
      report.put(r.get("table_name").toString(), r.get("rows_in") + "/" + r.get("rows_valid") + "/" + r.get("rows_quarantined"));
    }
    assertThat(report, is(Map.of("product_categories", "2/2/0", "products", "11/5/6", "stores", "2/2/0",
        "payment_methods", "2/2/0", "customers", "3/2/1", "orders", "10/2/8", "order_lines", "12/3/9")));
  }

  @Test
  void validRowsAreCleanedTypedAndJoined() throws Exception {
    Map<String, GenericRecord> products = byKey(medallion.silverRows("products", DAY), "product_id");
    assertThat("a malformed business updated_at does not matter: versions are ordered by MySQL's changed_at",
        products.keySet(), containsInAnyOrder("CF01", "CF02", "TE01", "CF03", "BAD4"));
    assertThat(products.get("CF02").get("product_name").toString(), is("Cà phê sữa"));
    assertThat(products.get("TE01").get("category").toString(), is("Trà"));
    assertThat(products.get("CF02").get("unit_price"), is(35000));
    assertThat(byKey(medallion.silverRows("payment_methods", DAY), "payment_method_id").get("1").get("bank"), is(nullValue()));
    assertThat(byKey(medallion.silverRows("customers", DAY), "customer_id").get("2").get("tier").toString(), is("diamond"));
    List<GenericRecord> lines = medallion.silverRows("order_lines", DAY);
    GenericRecord suggested = lines.stream().filter(l -> (Boolean) l.get("is_suggestion")).findFirst().orElseThrow();
    assertThat(suggested.get("order_id") + "|" + suggested.get("product_id") + " " + suggested.get("discount_percent") + "% "
        + suggested.get("unit_price") + " store " + suggested.get("store_id"), is("O1|CF02 10% 35000 store 1"));
    assertThat(medallion.silverRows("orders", DAY).size(), is(2));
  }

  @Test
  void theGateFailsTheDayOverItsThresholdAndOnAnyRowOfAFailRule() throws Exception {
    DataQualityGate.Failed failed = assertThrows(DataQualityGate.Failed.class,
        () -> DataQualityGate.check(lakehouse.toString(), DAY, 100.0));
    assertThat("one wrong_day row fails the run whatever the threshold", failed.getMessage(),
        containsString("severity is fail: orders wrong_day=1"));
    assertThat(failed.getMessage(), not(containsString("80.00%")));
    failed = assertThrows(DataQualityGate.Failed.class, () -> DataQualityGate.check(lakehouse.toString(), DAY, 1.0));
    assertThat(failed.getMessage(), containsString("orders 80.00% (8 of 10"));
  }

  @Test
  void aReRunReplacesTheDayAndTheNextDayCarriesEntitiesForward() throws Exception {
    medallion.silver(DAY, "--maxQuarantinedPercent=100");
    assertThat(medallion.silverRows("quarantine", DAY).size(), is(24));
    assertThat(medallion.silverRows("order_lines", DAY).size(), is(3));

    bronze("products", NEXT, List.of(
        product("CF01", "Cà phê đen", "1", "31000", "2026-11-11 02:00:00"),
        product("CF02", "Cà phê sữa", "1", "-1", "2026-11-11 02:00:00"),
        product("TE01", "Trà đào", "2", "45000", "2026-11-12 02:00:00")));
    medallion.silver(NEXT, "--maxQuarantinedPercent=100");
    Map<String, GenericRecord> products = byKey(medallion.silverRows("products", NEXT), "product_id");
    assertThat(products.get("CF01").get("unit_price"), is(31000));
    assertThat("a bad update keeps the last good row", products.get("CF02").get("unit_price"), is(35000));
    assertThat("a change after the day is not in its snapshot", products.get("TE01").get("unit_price"), is(40000));
    assertThat(products.size(), is(5));
    assertThat(byKey(medallion.silverRows("customers", NEXT), "customer_id").size(), is(2));
    GenericRecord report = DataQualityGate.report(lakehouse.toString(), NEXT).stream()
        .filter(r -> r.get("table_name").toString().equals("products")).findFirst().orElseThrow();
    assertThat("only the day's changes are rows in", report.get("rows_in") + "/" + report.get("rows_valid") + "/"
        + report.get("quarantined_by_rule"), is("2/1/non_positive_price=1"));
  }

  private static Map<String, GenericRecord> byKey(List<GenericRecord> rows, String key) {
    Map<String, GenericRecord> m = new HashMap<>();
    rows.forEach(r -> m.put(String.valueOf(r.get(key)), r));
    return m;
  }
}
