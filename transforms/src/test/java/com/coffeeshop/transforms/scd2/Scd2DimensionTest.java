package com.coffeeshop.transforms.scd2;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.schemas.AvroSchemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The SCD2 rule over Avro rows of a real dimension schema (gld.dim_products). */
class Scd2DimensionTest {
  private static final Schema DIM = AvroSchemas.gold("dim_products");
  private static final Schema SILVER = AvroSchemas.silver("products");
  private static final LocalDate D1 = LocalDate.of(2026, 11, 1);
  private static final Scd2Dimension PRODUCTS =
      Scd2Dimension.of(DIM, "product_key", "product_id", List.of("product_name", "category", "unit_price"));

  private static GenericRecord source(String id, String name, int price) {
    GenericRecord r = new GenericData.Record(SILVER);
    r.put("snapshot_date", (int) D1.toEpochDay());
    r.put("product_id", id);
    r.put("product_name", name);
    r.put("category_id", 1);
    r.put("category", "Cà phê");
    r.put("unit_price", price);
    r.put("updated_at", 0L);
    return r;
  }

  private static List<String> shown(List<GenericRecord> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("product_key") + ":" + r.get("product_id") + ":" + r.get("unit_price") + ":"
        + LocalDate.ofEpochDay((Integer) r.get("start_date")) + ".." + (r.get("end_date") == null ? ""
        : LocalDate.ofEpochDay((Integer) r.get("end_date"))) + ":" + r.get("is_current")));
    return out;
  }

  private static SortedMap<LocalDate, List<GenericRecord>> days(List<List<GenericRecord>> states) {
    SortedMap<LocalDate, List<GenericRecord>> daily = new TreeMap<>();
    for (int i = 0; i < states.size(); i++) {
      daily.put(D1.plusDays(i), states.get(i));
    }
    return daily;
  }

  @Test
  void versionsEachDaysStateWithTypedColumns() {
    List<GenericRecord> dim = PRODUCTS.build(days(List.of(
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)),
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 37000)))), List.of());
    assertThat(shown(dim), contains("1:CF01:29000:2026-11-01..:true", "2:CF02:35000:2026-11-01..2026-11-02:false",
        "3:CF02:37000:2026-11-02..:true"));
    assertThat(dim.get(2).get("unit_price"), is(37000));
  }

  @Test
  void aKeyMissingFromADayIsClosedThereAndOneThatComesBackOpensANewVersion() {
    List<GenericRecord> dim = PRODUCTS.build(days(List.of(
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)),
        List.of(source("CF01", "Đen", 29000)),
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)))), List.of());
    assertThat(shown(dim), contains("1:CF01:29000:2026-11-01..:true", "2:CF02:35000:2026-11-01..2026-11-02:false",
        "3:CF02:35000:2026-11-03..:true"));
  }

  @Test
  void keysStayWithTheirVersionsAcrossRebuildsAndNewOnesNeverReuseOne() {
    List<GenericRecord> first = PRODUCTS.build(days(List.of(List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)))),
        List.of());
    List<GenericRecord> again = PRODUCTS.build(days(List.of(List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)),
        List.of(source("CF01", "Đen", 31000), source("CF02", "Sữa", 35000)))), first);
    assertThat(shown(again), contains("1:CF01:29000:2026-11-01..2026-11-02:false", "2:CF02:35000:2026-11-01..:true",
        "3:CF01:31000:2026-11-02..:true"));
    assertThat("a rebuild from the same days gives the same rows", PRODUCTS.build(days(List.of(
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)),
        List.of(source("CF01", "Đen", 31000), source("CF02", "Sữa", 35000)))), again), is(again));
    // A history that changed under stored keys (CF02 first seen a day later): its version gets a new key.
    List<GenericRecord> changed = PRODUCTS.build(days(List.of(List.of(source("CF01", "Đen", 29000)),
        List.of(source("CF01", "Đen", 31000), source("CF02", "Sữa", 35000)))), again);
    assertThat(shown(changed), contains("1:CF01:29000:2026-11-01..2026-11-02:false", "3:CF01:31000:2026-11-02..:true",
        "4:CF02:35000:2026-11-02..:true"));
  }

  @Test
  void refusesADuplicateKeyInADay() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PRODUCTS.build(days(List.of(
        List.of(source("CF01", "Đen", 29000), source("CF01", "Đen 2", 29000)))), List.of()));
    assertThat(e.getMessage(), containsString("product_id=CF01 twice on one day"));
  }

  @Test
  void aStateHoldsUntilTheNextEntryWhateverDaysLieBetween() {
    SortedMap<LocalDate, List<GenericRecord>> states = new TreeMap<>(Map.of(
        LocalDate.of(1970, 1, 1), List.of(source("CF01", "Đen", 29000)),
        D1, List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)),
        D1.plusDays(5), List.of(source("CF01", "Đen", 31000), source("CF02", "Sữa", 35000))));
    assertThat(shown(PRODUCTS.build(states, List.of())), contains("1:CF01:29000:1970-01-01..2026-11-06:false",
        "2:CF02:35000:2026-11-01..:true", "3:CF01:31000:2026-11-06..:true"));
  }

  @Test
  void aFirstVersionKeepsItsKeyWhenItsStartMovesEarlier() {
    List<GenericRecord> stored = PRODUCTS.build(days(List.of(List.of(source("CF01", "Đen", 29000)),
        List.of(source("CF01", "Đen", 31000)))), List.of());
    SortedMap<LocalDate, List<GenericRecord>> backdated = new TreeMap<>(Map.of(
        LocalDate.of(1970, 1, 1), List.of(source("CF01", "Đen", 29000)),
        D1.plusDays(1), List.of(source("CF01", "Đen", 31000))));
    assertThat(shown(PRODUCTS.build(backdated, stored)), contains("1:CF01:29000:1970-01-01..2026-11-02:false",
        "2:CF01:31000:2026-11-02..:true"));
  }
}
