package com.coffeeshop.pipelines.medallion.gold;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.schemas.AvroSchemas;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

/** The as-of lookup of gold facts: which dimension version a line's day gets. */
class GoldFactsAsOfTest {
  private static final int NOV_1 = (int) LocalDate.parse("2026-11-01").toEpochDay();
  private static final int NOV_5 = (int) LocalDate.parse("2026-11-05").toEpochDay();

  /** Product P1: key 7 from Nov 1 up to (not including) Nov 5, then key 9, still current. */
  private static final GoldFacts.AsOf PRODUCTS = new GoldFacts.AsOf("dim_products", "product_id", "product_key",
      List.of(version(9, NOV_5, null), version(7, NOV_1, NOV_5)));

  private static GenericRecord version(int key, int start, Integer end) {
    GenericRecord v = new GenericData.Record(AvroSchemas.gold("dim_products"));
    v.put("product_key", key);
    v.put("product_id", "P1");
    v.put("product_name", "Latte");
    v.put("category", "Coffee");
    v.put("unit_price", 45000);
    v.put("start_date", start);
    v.put("end_date", end);
    v.put("is_current", end == null);
    return v;
  }

  @Test
  void aDayGetsTheVersionValidOnIt() {
    assertThat(PRODUCTS.keyOn("P1", NOV_1), is(7));
    assertThat(PRODUCTS.keyOn("P1", NOV_5 - 1), is(7));
  }

  @Test
  void aVersionEndsTheDayBeforeItsEndDateAndAnOpenOneStaysValid() {
    assertThat(PRODUCTS.keyOn("P1", NOV_5), is(9));
    assertThat(PRODUCTS.keyOn("P1", NOV_5 + 400), is(9));
  }

  @Test
  void aKeyReadFromParquetAsUtf8FindsItsVersions() {
    assertThat(PRODUCTS.keyOn(new Utf8("P1"), NOV_5), is(9));
  }

  @Test
  void aKeyFoundAsUtf8IsFoundAsTextAfterwardsAndTheCacheKeepsItsOwnCopy() {
    Utf8 read = new Utf8("P1");
    assertThat(PRODUCTS.keyOn(read, NOV_1), is(7));
    read.set("P2");
    assertThat(PRODUCTS.keyOn("P1", NOV_1), is(7));
    assertThat(PRODUCTS.keyOn(new Utf8("P1"), NOV_5), is(9));
  }

  @Test
  void anIntegerNaturalKeyIsLookedUpAsItIs() {
    GenericRecord store = new GenericData.Record(AvroSchemas.gold("dim_stores"));
    AvroSchemas.gold("dim_stores").getFields().forEach(f -> store.put(f.name(), null));
    store.put("store_key", 3);
    store.put("store_id", 12);
    store.put("start_date", NOV_1);
    GoldFacts.AsOf stores = new GoldFacts.AsOf("dim_stores", "store_id", "store_key", List.of(store));
    assertThat(stores.keyOn(12, NOV_5), is(3));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> stores.keyOn(13, NOV_5));
    assertThat(e.getMessage(), containsString("dim_stores has no version of 13"));
  }

  @Test
  void theVersionsTravelInsideTheDoFn() {
    GoldFacts.AsOf copy = SerializableUtils.clone(PRODUCTS);
    assertThat(copy.keyOn(new Utf8("P1"), NOV_1), is(7));
    assertThat(copy.keyOn("P1", NOV_5), is(9));
  }

  @Test
  void aDayBeforeTheFirstVersionFailsNamingTheTableTheKeyTheDayAndWhatToRun() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PRODUCTS.keyOn("P1", NOV_1 - 1));
    assertThat(e.getMessage(), allOf(containsString("dim_products"), containsString("P1"),
        containsString("2026-10-31"), containsString("run GoldDimensions --date=2026-10-31")));
  }

  @Test
  void anUnknownKeyFailsInsteadOfGivingAFactNoDimension() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PRODUCTS.keyOn("P2", NOV_5));
    assertThat(e.getMessage(), containsString("has no version of P2 valid on 2026-11-05"));
  }
}
