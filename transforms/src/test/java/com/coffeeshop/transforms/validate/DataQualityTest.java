package com.coffeeshop.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class DataQualityTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 10);

  @Test
  void reportsEveryTableWithItsRulesMostFrequentFirst() {
    List<GenericRecord> rows = DataQuality.reportRows(Map.of(
        "orders\tin", 10L, "orders\tvalid", 7L, "orders\tquarantined\tunknown_store", 1L,
        "orders\tquarantined\tnull_key", 2L), List.of("orders", "stores"), DAY, "run-1");
    assertThat(rows.get(0).get("rows_in") + "/" + rows.get(0).get("rows_valid") + "/" + rows.get(0).get("rows_quarantined")
        + " " + rows.get(0).get("quarantined_by_rule"), is("10/7/3 null_key=2,unknown_store=1"));
    assertThat("a table with no rows is reported too", rows.get(1).get("table_name") + " " + rows.get(1).get("rows_in"),
        is("stores 0"));
  }

  @Test
  void failsWhenRowsWereLostOrDoubled() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DataQuality.reportRows(Map.of(
        "orders\tin", 10L, "orders\tvalid", 8L, "orders\tquarantined\tnull_key", 1L), List.of("orders"), DAY, "run-1"));
    assertThat(e.getMessage(), containsString("orders: 10 in, 8 valid + 1 quarantined"));
  }
}
