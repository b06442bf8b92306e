package com.coffeeshop.transforms.validate;

import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * One table's row rules: {@link #check} returns the clean, typed row or throws {@link Rejected};
 * a rejected row goes to {@link Quarantine#QUARANTINED} with its rule and original values, never
 * dropped. Use with {@code ParDo.of(fn).withOutputTags(Quarantine.VALID, TupleTagList.of(Quarantine.QUARANTINED))}.
 */
public abstract class ValidateFn extends DoFn<GenericRecord, GenericRecord> {
  private final String table;
  private final Quarantine quarantine;

  protected ValidateFn(String table, Quarantine quarantine) {
    this.table = table;
    this.quarantine = quarantine;
  }

  /** The clean row; side inputs are read from {@code c}. */
  protected abstract GenericRecord check(GenericRecord row, ProcessContext c) throws Rejected;

  /** The row's key as it came (for the quarantine row), or null. */
  protected abstract String keyOf(GenericRecord row);

  @ProcessElement
  public void process(ProcessContext c) {
    GenericRecord row = c.element();
    try {
      c.output(check(row, c));
    } catch (Rejected why) {
      c.output(Quarantine.QUARANTINED, quarantine.of(table, why, keyOf(row), row));
    }
  }
}
