package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.medallion.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import com.coffeeshop.transforms.validate.ValidateFn;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.SortedSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A reference table's silver snapshot for a day: every entity as of that day's end, built
 * incrementally — the previous snapshot (the latest partition before the day) plus the bronze row
 * versions ingested since it with {@code updated_at} before the next day. Only those new versions are
 * the run's "rows in": each is valid or quarantined; a valid version replaces the snapshot's row when
 * it is newer. A version that fails a rule never replaces a good row, so a bad update keeps the last
 * good state instead of making the entity disappear.
 */
public final class ReferenceSnapshot {
  private ReferenceSnapshot() {}

  /** The snapshot rows, the quarantined rows and the data-quality counts of one table. */
  public record Result(PCollection<GenericRecord> snapshot, PCollection<GenericRecord> quarantined,
      PCollection<String> counts) {}

  static final TupleTag<GenericRecord> SNAPSHOT = new TupleTag<>("snapshot") {};
  static final TupleTag<GenericRecord> ACCEPTED = new TupleTag<>("accepted") {};

  /**
   * @param keyColumn the silver column that identifies an entity
   * @param rules the table's row rules, producing silver rows
   */
  public static Result build(Pipeline p, String lakehouse, String bronzeTable, String silverTable, String keyColumn,
      LocalDate day, ValidateFn rules, List<PCollectionView<?>> sideInputs, Quarantine quarantine) {
    String bronzePath = Lakehouse.bronze(lakehouse, bronzeTable);
    String silverPath = Lakehouse.silver(lakehouse, silverTable);
    if (DeltaTables.latestVersion(bronzePath).isEmpty()) {
      throw new IllegalStateException("no bronze table at " + bronzePath + ": run BronzeIngest first");
    }
    Schema silver = AvroSchemas.silver(silverTable);
    AvroCoder<GenericRecord> silverCoder = AvroCoder.of(GenericRecord.class, silver);
    Optional<LocalDate> previous = previousSnapshot(silverPath, day);

    DeltaRead read = DeltaRead.latest(bronzePath, AvroSchemas.bronze(bronzeTable));
    if (previous.isPresent()) {
      // Bronze partitions by ingest day, which is never before the change: older ones are in the previous snapshot.
      read = read.fromPartition(previous.get().plusDays(1).toString());
    }
    long nextDay = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    PCollection<GenericRecord> changes = p.apply("ReadBronze_" + silverTable, read)
        .apply("ChangedUpToDay_" + silverTable, ParDo.of(new DoFn<GenericRecord, GenericRecord>() {
          @ProcessElement
          public void process(@Element GenericRecord r, OutputReceiver<GenericRecord> out) {
            try {
              if (Clean.timestamp(r, "updated_at") < nextDay) {
                out.output(r);
              }
            } catch (Rejected unparsable) {
              out.output(r); // the rules quarantine it
            }
          }
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, AvroSchemas.bronze(bronzeTable)));

    PCollectionTuple checked = changes.apply("Validate_" + silverTable, ParDo.of(rules)
        .withSideInputs(sideInputs)
        .withOutputTags(Quarantine.VALID, TupleTagList.of(Quarantine.QUARANTINED)));
    PCollection<GenericRecord> valid = checked.get(Quarantine.VALID).setCoder(silverCoder);
    PCollection<GenericRecord> rejected = checked.get(Quarantine.QUARANTINED)
        .setCoder(AvroCoder.of(GenericRecord.class, Quarantine.schema()));

    PCollection<GenericRecord> before = previous.isPresent()
        ? p.apply("ReadPrevious_" + silverTable, DeltaRead.latest(silverPath, silver).onlyPartition(previous.get().toString()))
        : p.apply("NoPrevious_" + silverTable, Create.empty(silverCoder));
    // A reference table is small (thousands of rows): it is merged in one pass, from side inputs.
    PCollectionView<List<GenericRecord>> old = before.apply("PreviousAsList_" + silverTable, View.asList());
    PCollectionView<List<GenericRecord>> fresh = valid.apply("ChangesAsList_" + silverTable, View.asList());
    PCollectionTuple merged = p.apply("Once_" + silverTable, Create.of(0))
        .apply("Merge_" + silverTable, ParDo.of(new MergeFn(silverTable, keyColumn, day, old, fresh, quarantine))
            .withSideInputs(old, fresh)
            .withOutputTags(SNAPSHOT, TupleTagList.of(ACCEPTED).and(Quarantine.QUARANTINED)));
    PCollection<GenericRecord> snapshot = merged.get(SNAPSHOT).setCoder(silverCoder);
    PCollection<GenericRecord> accepted = merged.get(ACCEPTED).setCoder(silverCoder);
    PCollection<GenericRecord> duplicates = merged.get(Quarantine.QUARANTINED)
        .setCoder(AvroCoder.of(GenericRecord.class, Quarantine.schema()));

    PCollection<GenericRecord> quarantined = PCollectionList.of(rejected).and(duplicates)
        .apply("Quarantined_" + silverTable, Flatten.pCollections());
    PCollection<String> counts = PCollectionList.of(DataQuality.rowsIn(silverTable, changes))
        .and(DataQuality.rowsValid(silverTable, accepted))
        .apply("Counts_" + silverTable, Flatten.pCollections());
    return new Result(snapshot, quarantined, counts);
  }

  /** The latest snapshot day before {@code day}, if any. */
  static Optional<LocalDate> previousSnapshot(String silverPath, LocalDate day) {
    SortedSet<String> earlier = DeltaTables.partitionValues(silverPath).headSet(day.toString());
    return earlier.isEmpty() ? Optional.empty() : Optional.of(LocalDate.parse(earlier.last()));
  }

  /**
   * The whole table: each entity's previous row and its valid new versions. Two new versions of an
   * entity with the same {@code updated_at} are a duplicate key: the first (in a fixed order) is kept,
   * the others quarantined. The newest version wins; on a tie the previous row stays.
   */
  static class MergeFn extends DoFn<Integer, GenericRecord> {
    private final String table;
    private final String keyColumn;
    private final int day;
    private final PCollectionView<List<GenericRecord>> old;
    private final PCollectionView<List<GenericRecord>> fresh;
    private final Quarantine quarantine;

    MergeFn(String table, String keyColumn, LocalDate day, PCollectionView<List<GenericRecord>> old,
        PCollectionView<List<GenericRecord>> fresh,
        Quarantine quarantine) {
      this.table = table;
      this.keyColumn = keyColumn;
      this.day = (int) day.toEpochDay();
      this.old = old;
      this.fresh = fresh;
      this.quarantine = quarantine;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<String, GenericRecord> current = new TreeMap<>();
      for (GenericRecord r : c.sideInput(old)) {
        if (current.put(String.valueOf(r.get(keyColumn)), r) != null) {
          throw new IllegalStateException("the previous snapshot of " + table + " holds key " + r.get(keyColumn) + " twice");
        }
      }
      Map<String, List<GenericRecord>> versions = new TreeMap<>();
      c.sideInput(fresh)
          .forEach(r -> versions.computeIfAbsent(String.valueOf(r.get(keyColumn)), k -> new ArrayList<>()).add(r));
      for (Map.Entry<String, List<GenericRecord>> e : versions.entrySet()) {
        List<GenericRecord> list = e.getValue();
        list.sort(Comparator.comparing((GenericRecord r) -> (Long) r.get("updated_at")).thenComparing(Object::toString));
        GenericRecord newest = null;
        for (GenericRecord v : list) {
          if (newest != null && newest.get("updated_at").equals(v.get("updated_at"))) {
            c.output(Quarantine.QUARANTINED, quarantine.of(table, new Rejected("duplicate_key",
                "a second version of " + e.getKey() + " with updated_at " + v.get("updated_at")), e.getKey(), v));
            continue;
          }
          c.output(ACCEPTED, v);
          newest = v;
        }
        GenericRecord before = current.get(e.getKey());
        if (before == null || (Long) newest.get("updated_at") > (Long) before.get("updated_at")) {
          current.put(e.getKey(), newest);
        }
      }
      for (GenericRecord r : current.values()) {
        GenericRecord out = new GenericData.Record((GenericData.Record) r, true);
        out.put("snapshot_date", day);
        c.output(out);
      }
    }
  }
}
