package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.medallion.BusinessDay;
import com.coffeeshop.pipelines.medallion.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Objects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A reference table's silver snapshot for a day: every entity on that day (see
 * {@link ReferenceHistory}), computed from the table's whole bronze history, so a day can be built
 * or rebuilt in any order with the same result. Only the versions written on the day are the run's
 * "rows in": each is valid or quarantined (a second version of a key with the same change time is a
 * {@code duplicate_key}); versions of earlier days were reported on their own day.
 */
public final class ReferenceSnapshot {
  private ReferenceSnapshot() {}

  /** The snapshot rows, the quarantined rows and the data-quality counts of one table. */
  public record Result(PCollection<GenericRecord> snapshot, PCollection<GenericRecord> quarantined,
      PCollection<KV<String, Long>> counts) {}

  static final TupleTag<GenericRecord> SNAPSHOT = new TupleTag<>("snapshot") {};
  static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>("counts") {};

  /**
   * @param keyColumn the silver column that identifies an entity
   * @param rules the table's row rules, producing silver rows
   * @param categories the day's category names by id, for the products' rules; null for other tables
   */
  public static Result build(Pipeline p, String lakehouse, String bronzeTable, String silverTable, String keyColumn,
      LocalDate day, BusinessDay days, ReferenceRules.Base rules, PCollectionView<Map<Integer, String>> categories,
      Quarantine quarantine) {
    String bronzePath = Lakehouse.bronze(lakehouse, bronzeTable);
    if (DeltaTables.latestVersion(bronzePath).isEmpty()) {
      throw new IllegalStateException("no bronze table at " + bronzePath + ": run BronzeIngest first");
    }
    Schema silver = AvroSchemas.silver(silverTable);
    AvroCoder<GenericRecord> silverCoder = AvroCoder.of(GenericRecord.class, silver);
    PCollectionView<List<GenericRecord>> history = p
        .apply("ReadBronze_" + silverTable, DeltaRead.latest(bronzePath, AvroSchemas.bronze(bronzeTable)))
        .apply("HistoryAsList_" + silverTable, View.asList());
    List<PCollectionView<?>> sideInputs = new ArrayList<>(List.of(history));
    if (categories != null) {
      sideInputs.add(categories);
    }
    PCollectionTuple merged = p.apply("Once_" + silverTable, Create.of(0))
        .apply("Snapshot_" + silverTable, ParDo.of(new SnapshotFn(silverTable, keyColumn, day, days, history, categories,
                rules, quarantine))
            .withSideInputs(sideInputs)
            .withOutputTags(SNAPSHOT, TupleTagList.of(COUNTS).and(Quarantine.QUARANTINED)));
    PCollection<GenericRecord> snapshot = merged.get(SNAPSHOT).setCoder(silverCoder);
    PCollection<GenericRecord> quarantined = merged.get(Quarantine.QUARANTINED)
        .setCoder(AvroCoder.of(GenericRecord.class, Quarantine.schema()));
    return new Result(snapshot, quarantined, merged.get(COUNTS).setCoder(DataQuality.countCoder()));
  }

  /** The day's snapshot and the checks of the day's versions, in one pass over the table's history. */
  static class SnapshotFn extends DoFn<Integer, GenericRecord> {
    private final String table;
    private final String keyColumn;
    private final LocalDate day;
    private final BusinessDay days;
    private final PCollectionView<List<GenericRecord>> history;
    private final PCollectionView<Map<Integer, String>> categories;
    private final ReferenceRules.Base rules;
    private final Quarantine quarantine;

    SnapshotFn(String table, String keyColumn, LocalDate day, BusinessDay days, PCollectionView<List<GenericRecord>> history,
        PCollectionView<Map<Integer, String>> categories, ReferenceRules.Base rules, Quarantine quarantine) {
      this.table = table;
      this.keyColumn = keyColumn;
      this.day = day;
      this.days = days;
      this.history = history;
      this.categories = categories;
      this.rules = rules;
      this.quarantine = quarantine;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<Integer, String> names = categories == null ? Map.of() : c.sideInput(categories);
      ReferenceHistory all = new ReferenceHistory(c.sideInput(history), days);
      Map<String, Long> seen = new HashMap<>();
      long in = 0;
      long valid = 0;
      for (GenericRecord v : all.writtenOn(day)) {
        in++;
        String key = rules.keyOf(v);
        try {
          GenericRecord row = rules.silverRow(v, names);
          if (Objects.equals(seen.put(String.valueOf(row.get(keyColumn)), ReferenceHistory.changedAt(v)),
              ReferenceHistory.changedAt(v))) {
            throw new Rejected("duplicate_key", "a second version of " + key + " written at "
                + Instant.ofEpochMilli(ReferenceHistory.changedAt(v)));
          }
          valid++;
        } catch (Rejected why) {
          c.output(Quarantine.QUARANTINED, quarantine.of(table, why, key, v));
        }
      }
      c.output(COUNTS, DataQuality.in(table, in));
      c.output(COUNTS, DataQuality.valid(table, valid));
      for (GenericRecord r : all.on(day, v -> rules.silverRow(v, names)).values()) {
        c.output(r);
      }
    }
  }
}
