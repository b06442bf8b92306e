package com.coffeeshop.transforms.validate;

import com.coffeeshop.schemas.AvroSchemas;
import java.io.Serializable;
import java.time.LocalDate;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Builds {@code slv.quarantine} rows: the run's day and id, the table, the rule broken and its
 * {@link Severity} (a warning's row stayed valid), what was
 * wrong, the row's key (when it has one) and the row itself as JSON.
 */
public final class Quarantine implements Serializable {
  /** The rows a validation step passes on. */
  public static final TupleTag<GenericRecord> VALID = new TupleTag<>("valid") {};
  /** The quarantine rows a validation step produces. */
  public static final TupleTag<GenericRecord> QUARANTINED = new TupleTag<>("quarantined") {};

  private final LocalDate runDate;
  private final String runId;
  private transient Schema schema;

  public Quarantine(LocalDate runDate, String runId) {
    this.runDate = runDate;
    this.runId = runId;
  }

  public static Schema schema() {
    return AvroSchemas.silver("quarantine");
  }

  public GenericRecord of(String table, Rejected why, String key, GenericRecord row) {
    if (schema == null) {
      schema = schema();
    }
    GenericRecord q = new GenericData.Record(schema);
    q.put("run_date", (int) runDate.toEpochDay());
    q.put("table_name", table);
    q.put("rule", why.rule());
    q.put("severity", Severity.of(why.rule()).label());
    q.put("detail", why.detail());
    q.put("record_key", key);
    q.put("original", row.toString());
    q.put("run_id", runId);
    return q;
  }
}
