package com.coffeeshop.transforms.validate;

import com.coffeeshop.schemas.AvroSchemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The data-quality report of a silver run ({@code slv.dq_report}): per table, rows in, valid,
 * quarantined and warned (by rule), and superseded (older versions of a key a newer one replaced).
 * Every table's rows are counted where they enter, where they leave valid, in the quarantine and where
 * they are superseded; a table where rows in ≠ valid + quarantined + superseded fails the run, because
 * a row was lost or doubled somewhere in between. Warnings are valid rows, counted again.
 */
public final class DataQuality {
  private DataQuality() {}

  private static final String IN = "in";
  private static final String VALID = "valid";
  private static final String QUARANTINED = "quarantined";
  private static final String WARNED = "warned";
  private static final String SUPERSEDED = "superseded";

  /** A count of {@code n} rows of {@code table} that entered validation, counted where they were read. */
  public static KV<String, Long> in(String table, long n) {
    return KV.of(table + "\t" + IN, n);
  }

  /** A count of {@code n} rows of {@code table} that left validation valid, counted by the step that made them. */
  public static KV<String, Long> valid(String table, long n) {
    return KV.of(table + "\t" + VALID, n);
  }

  /** A count of {@code n} rows of {@code table} that a newer version of the same key replaced within the run's input. */
  public static KV<String, Long> superseded(String table, long n) {
    return KV.of(table + "\t" + SUPERSEDED, n);
  }

  /** Quarantine-table rows (of any table), counted per table and rule: warnings apart, their rows stayed valid. */
  public static PCollection<KV<String, Long>> quarantined(PCollection<GenericRecord> quarantine) {
    return quarantine.apply("CountQuarantined", MapElements
        .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
        .via(q -> KV.of(q.get("table_name") + "\t"
            + (Severity.WARN.label().equals(q.get("severity").toString()) ? WARNED : QUARANTINED) + "\t" + q.get("rule"), 1L)));
  }

  /** The coder of counts. */
  public static KvCoder<String, Long> countCoder() {
    return KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
  }

  /** Sums the counts and builds the report rows (one per table, every table even with no rows). */
  public static PCollection<GenericRecord> report(PCollectionList<KV<String, Long>> counts, List<String> tables,
      LocalDate runDate, String runId) {
    Schema schema = schema();
    return counts
        .apply("AllCounts", Flatten.pCollections())
        .setCoder(countCoder())
        .apply("SumCounts", Combine.globally(new ToMapFn())) // summed before the shuffle
        .setCoder(MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("ReportRows", ParDo.of(new DoFn<Map<String, Long>, GenericRecord>() {
          @ProcessElement
          public void process(@Element Map<String, Long> totals, OutputReceiver<GenericRecord> out) {
            reportRows(totals, tables, runDate, runId).forEach(out::output);
          }
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, schema));
  }

  public static Schema schema() {
    return AvroSchemas.silver("dq_report");
  }

  /**
   * The report rows from the summed counts ({@code table\tin}, {@code table\tvalid},
   * {@code table\tquarantined\trule}); throws when a table's rows do not reconcile.
   */
  static List<GenericRecord> reportRows(Map<String, Long> totals, List<String> tables, LocalDate runDate, String runId) {
    Schema schema = schema();
    List<GenericRecord> rows = new ArrayList<>();
    for (Map.Entry<String, Long> e : totals.entrySet()) {
      String table = e.getKey().split("\t")[0];
      if (!tables.contains(table)) {
        throw new IllegalStateException("rows counted for table '" + table + "', which the report does not cover: " + tables);
      }
    }
    List<String> problems = new ArrayList<>();
    for (String table : tables) {
      long in = totals.getOrDefault(table + "\t" + IN, 0L);
      long valid = totals.getOrDefault(table + "\t" + VALID, 0L);
      long superseded = totals.getOrDefault(table + "\t" + SUPERSEDED, 0L);
      Map<String, Long> byRule = byRule(totals, table, QUARANTINED);
      Map<String, Long> warnings = byRule(totals, table, WARNED);
      long quarantined = byRule.values().stream().mapToLong(Long::longValue).sum();
      if (in != valid + quarantined + superseded) {
        problems.add(table + ": " + in + " in, " + valid + " valid + " + quarantined + " quarantined + " + superseded
            + " superseded");
      }
      GenericRecord r = new GenericData.Record(schema);
      r.put("run_date", (int) runDate.toEpochDay());
      r.put("table_name", table);
      r.put("rows_in", in);
      r.put("rows_valid", valid);
      r.put("rows_quarantined", quarantined);
      r.put("rows_superseded", superseded);
      r.put("quarantined_by_rule", show(byRule));
      r.put("rows_warned", warnings.values().stream().mapToLong(Long::longValue).sum());
      r.put("warned_by_rule", show(warnings));
      r.put("run_id", runId);
      rows.add(r);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("rows in ≠ valid + quarantined + superseded, so rows were lost or doubled: "
          + problems);
    }
    return rows;
  }

  private static Map<String, Long> byRule(Map<String, Long> totals, String table, String what) {
    Map<String, Long> byRule = new TreeMap<>();
    totals.forEach((k, v) -> {
      String[] parts = k.split("\t");
      if (parts[0].equals(table) && parts[1].equals(what)) {
        byRule.put(parts[2], v);
      }
    });
    return byRule;
  }

  /** rule=count, most frequent first. */
  private static String show(Map<String, Long> byRule) {
    return byRule.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining(","));
  }

  /** Gathers the per-key counts into one small map (tables × rules keys). */
  static class ToMapFn extends Combine.CombineFn<KV<String, Long>, Map<String, Long>, Map<String, Long>> {
    @Override
    public Map<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Long> addInput(Map<String, Long> acc, KV<String, Long> count) {
      acc.merge(count.getKey(), count.getValue(), Long::sum);
      return acc;
    }

    @Override
    public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accs) {
      Map<String, Long> all = new HashMap<>();
      accs.forEach(a -> a.forEach((k, v) -> all.merge(k, v, Long::sum)));
      return all;
    }

    @Override
    public Map<String, Long> extractOutput(Map<String, Long> acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Map<String, Long>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, org.apache.beam.sdk.coders.Coder<KV<String, Long>> input) {
      return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }
  }
}
