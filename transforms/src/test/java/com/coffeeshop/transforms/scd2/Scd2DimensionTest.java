package com.coffeeshop.transforms.scd2;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.schemas.AvroSchemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void versionsAvroRowsWithTypedColumns() {
    List<GenericRecord> first = PRODUCTS.on(D1).apply(List.of(), List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 35000)));
    List<GenericRecord> second = PRODUCTS.on(D1.plusDays(1)).apply(first,
        List.of(source("CF01", "Đen", 29000), source("CF02", "Sữa", 37000)));
    assertThat(shown(second), containsInAnyOrder("1:CF01:29000:2026-11-01..:true", "2:CF02:35000:2026-11-01..2026-11-02:false",
        "3:CF02:37000:2026-11-02..:true"));
    assertThat(second.get(2).get("unit_price"), is(37000));
  }

  @Test
  void refusesASourceWithADuplicateKeyAndADayBeforeTheDimension() {
    assertThrows(IllegalArgumentException.class, () -> PRODUCTS.on(D1).apply(List.of(),
        List.of(source("CF01", "Đen", 29000), source("CF01", "Đen 2", 29000))));
    List<GenericRecord> later = PRODUCTS.on(D1.plusDays(5)).apply(List.of(), List.of(source("CF01", "Đen", 29000)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PRODUCTS.on(D1).apply(later, List.of(source("CF01", "Đen", 29000))));
    assertThat(e.getMessage().contains("SCD2 runs go forward in time"), is(true));
  }
}
