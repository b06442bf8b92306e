package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.transforms.validate.Quarantine;
import java.io.Serializable;
import java.time.LocalDate;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The tagged outputs every silver table's transform ({@link ReferenceSnapshot}, {@link SilverOrders}) has,
 * and what a silver run gives them all.
 */
public final class SilverTable {
  private SilverTable() {}

  /** The table's silver rows, for the caller to write (a reference snapshot; the order tables write their own). */
  public static final TupleTag<GenericRecord> ROWS = new TupleTag<>("rows") {};
  /** Every rejected row and warning, as quarantine rows. */
  public static final TupleTag<GenericRecord> QUARANTINED = Quarantine.QUARANTINED;
  /** The data-quality counts: rows in, valid and superseded per table (see {@code DataQuality}). */
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>("counts") {};

  /** What every table of a silver run shares: the lakehouse, the day, its time zone and the quarantine rows' run. */
  public record Run(String lake, LocalDate day, BusinessDay days, Quarantine quarantine) implements Serializable {}
}
