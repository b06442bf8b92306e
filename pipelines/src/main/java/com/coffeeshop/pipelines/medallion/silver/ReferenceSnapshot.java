package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.medallion.reference.ReferenceHistory;
import com.coffeeshop.pipelines.medallion.reference.ReferenceRules;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaWrite;
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
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A reference table's silver snapshot for a day: every entity on that day (see
 * {@link ReferenceHistory}), computed from the table's whole bronze history, so a day can be built
 * or rebuilt in any order with the same result. Only the versions written on the day are the run's
 * "rows in": each is valid or quarantined (a second version of a key with the same change time is a
 * {@code duplicate_key}); versions of earlier days were reported on their own day.
 */
public final class ReferenceSnapshot extends PTransform<PBegin, PCollectionTuple> {
  private final SilverTable.Run run;
  private final String bronzeTable;
  private final String keyColumn;
  private final ReferenceRules.Base rules;
  private final DeltaWrite table;
  private final PCollectionView<Map<Integer, String>> categories;

  /**
   * @param bronzeTable the bronze table that holds the reference table's history
   * @param keyColumn the silver column that identifies an entity
   * @param rules the table's row rules, producing silver rows (the silver table is theirs)
   * @param table the write of the silver table, for the day's snapshot
   */
  public ReferenceSnapshot(SilverTable.Run run, String bronzeTable, String keyColumn, ReferenceRules.Base rules,
      DeltaWrite table) {
    this(run, bronzeTable, keyColumn, rules, table, null);
  }

  private ReferenceSnapshot(SilverTable.Run run, String bronzeTable, String keyColumn, ReferenceRules.Base rules,
      DeltaWrite table, PCollectionView<Map<Integer, String>> categories) {
    this.run = run;
    this.bronzeTable = bronzeTable;
    this.keyColumn = keyColumn;
    this.rules = rules;
    this.table = table;
    this.categories = categories;
  }

  /** The day's category names by id, for the products' rules. */
  public ReferenceSnapshot withCategories(PCollectionView<Map<Integer, String>> names) {
    return new ReferenceSnapshot(run, bronzeTable, keyColumn, rules, table, names);
  }

  /** The silver table this snapshot is. */
  public String table() {
    return rules.table();
  }

  /**
   * Writes the day's snapshot; outputs it ({@link SilverTable#ROWS}, for the order rules' lookups),
   * {@link SilverTable#QUARANTINED} and {@link SilverTable#COUNTS}.
   */
  @Override
  public PCollectionTuple expand(PBegin p) {
    String silverTable = rules.table();
    String bronzePath = Lakehouse.bronze(run.lake(), bronzeTable);
    Lakehouse.requireTable(bronzePath, "BronzeIngest");
    PCollectionView<List<GenericRecord>> history = p
        .apply("ReadBronze", DeltaRead.latest(bronzePath, AvroSchemas.bronze(bronzeTable)))
        .apply("HistoryAsList", View.asList());
    List<PCollectionView<?>> sideInputs = new ArrayList<>(List.of(history));
    if (categories != null) {
      sideInputs.add(categories);
    }
    PCollectionTuple out = p.apply("Once", Create.of(0))
        .apply("Snapshot", ParDo.of(new SnapshotFn(silverTable, keyColumn, run.day(), run.days(), history, categories,
                rules, run.quarantine()))
            .withSideInputs(sideInputs)
            .withOutputTags(SilverTable.ROWS, TupleTagList.of(SilverTable.COUNTS).and(SilverTable.QUARANTINED)));
    out.get(SilverTable.ROWS).setCoder(AvroCoder.of(GenericRecord.class, AvroSchemas.silver(silverTable)));
    out.get(SilverTable.QUARANTINED).setCoder(AvroCoder.of(GenericRecord.class, Quarantine.schema()));
    out.get(SilverTable.COUNTS).setCoder(DataQuality.countCoder());
    out.get(SilverTable.ROWS).apply("Write", table);
    return out;
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
      c.output(SilverTable.COUNTS, DataQuality.in(table, in));
      c.output(SilverTable.COUNTS, DataQuality.valid(table, valid));
      for (GenericRecord r : all.on(day, v -> rules.silverRow(v, names)).values()) {
        c.output(r);
      }
    }
  }
}
