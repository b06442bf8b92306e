package com.coffeeshop.schemas;

import org.apache.avro.Schema;

/** The Avro schemas of the files the pipelines write, parsed from {@code avro/*.avsc}. */
public final class AvroSchemas {
  private AvroSchemas() {}

  /** Parses {@code avro/<name>.avsc}. */
  public static Schema load(String name) {
    return new Schema.Parser().parse(Resources.text("avro/" + name + ".avsc"));
  }

  /** {@code brz.<table>}: a landing-zone table's columns as strings, plus ingest metadata. */
  public static Schema bronze(String table) {
    return load("bronze/" + table);
  }

  /** {@code slv.<table>}: cleaned, typed rows; also {@code quarantine} and {@code dq_report}. */
  public static Schema silver(String table) {
    return load("silver/" + table);
  }

  /** {@code gld.<table>}: the star schema's dimensions and fact table. */
  public static Schema gold(String table) {
    return load("gold/" + table);
  }

  public static Schema storeDailyRevenue() {
    return load("store_daily_revenue");
  }
}
