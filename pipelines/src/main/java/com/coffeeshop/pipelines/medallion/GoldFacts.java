package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.RestateOptions;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * {@code gld.fact_orders} for one day: silver's order lines of the day, each joined to the version of
 * its product, store and payment method that was valid on the order's date
 * ({@code start_date <= order_date < end_date}), so an order placed before a price change keeps the
 * old product_key. The day's partition is replaced: a re-run never duplicates. A line with no valid
 * dimension version fails the run, naming it (run GoldDimensions for the day first).
 */
public class GoldFacts {
  /** The lakehouse, the day, and whether late days are restated. */
  public interface Options extends LakehouseOptions, RestateOptions {}

  /** What a day's facts read that a restatement changes: silver's lines. */
  static Map<String, String> lateInputs(String lake) {
    return Map.of("silver/order_lines", Lakehouse.silver(lake, "order_lines"));
  }

  /** The days whose facts are stale: built, then their silver lines were rebuilt. */
  public static java.util.SortedSet<LocalDate> staleDays(String lake) {
    return Restatement.staleDays(List.of(Lakehouse.gold(lake, "fact_orders")), lateInputs(lake));
  }

  public static PipelineResult run(Options o) {
    LocalDate day = DayOptions.day(o);
    String runId = LakehouseOptions.runId(o);
    String lake = o.getLakehouse();
    String lines = Lakehouse.silver(lake, "order_lines");
    Lakehouse.requireDay(lines, day, "SilverClean");
    for (String dim : List.of("dim_products", "dim_stores", "dim_payment_methods")) {
      String path = Lakehouse.gold(lake, dim);
      if (GoldDimensions.lastEffectiveDay(path).map(day::isAfter).orElse(true)) {
        throw new IllegalStateException(path + " does not cover " + day + " yet: run GoldDimensions --date=" + day + " first");
      }
    }
    Map<String, String> built = new java.util.HashMap<>(Restatement.inputVersions(lateInputs(lake)));
    built.put("day", day.toString());
    Pipeline p = Pipeline.create(o);
    PCollectionView<Map<String, Iterable<GenericRecord>>> products = versions(p, lake, "dim_products", "product_id");
    PCollectionView<Map<String, Iterable<GenericRecord>>> stores = versions(p, lake, "dim_stores", "store_id");
    PCollectionView<Map<String, Iterable<GenericRecord>>> payments =
        versions(p, lake, "dim_payment_methods", "payment_method_id");
    Schema fact = AvroSchemas.gold("fact_orders");
    p.apply("ReadSilverLines", DeltaRead.latest(lines, AvroSchemas.silver("order_lines")).onlyPartition(day.toString()))
        .apply("JoinDimensionsAsOf", ParDo.of(new DoFn<GenericRecord, GenericRecord>() {
          private transient Schema schema;
          /** The dimensions, read once per instance: a bounded, globally windowed run's side inputs never change. */
          private transient Map<String, Iterable<GenericRecord>> productVersions;
          private transient Map<String, Iterable<GenericRecord>> storeVersions;
          private transient Map<String, Iterable<GenericRecord>> paymentVersions;

          @ProcessElement
          public void process(ProcessContext c) {
            if (schema == null) {
              schema = AvroSchemas.gold("fact_orders");
              productVersions = new java.util.HashMap<>(c.sideInput(products));
              storeVersions = new java.util.HashMap<>(c.sideInput(stores));
              paymentVersions = new java.util.HashMap<>(c.sideInput(payments));
            }
            GenericRecord line = c.element();
            int date = (Integer) line.get("order_date");
            GenericRecord f = new GenericData.Record(schema);
            f.put("order_date", date);
            f.put("order_id", line.get("order_id").toString());
            f.put("order_ts", line.get("order_ts"));
            f.put("customer_id", line.get("customer_id"));
            f.put("product_key", keyAsOf(productVersions, "dim_products", "product_key", line.get("product_id"), date));
            f.put("store_key", keyAsOf(storeVersions, "dim_stores", "store_key", line.get("store_id"), date));
            f.put("payment_method_key", keyAsOf(paymentVersions, "dim_payment_methods", "payment_method_key",
                line.get("payment_method_id"), date));
            f.put("quantity", line.get("quantity"));
            f.put("unit_price", line.get("unit_price"));
            f.put("gross_amount", (long) (Integer) line.get("unit_price") * (Integer) line.get("quantity"));
            f.put("subtotal", line.get("subtotal"));
            f.put("discount_percent", line.get("discount_percent"));
            f.put("is_suggestion", line.get("is_suggestion"));
            c.output(f);
          }
        }).withSideInputs(products, stores, payments))
        .setCoder(AvroCoder.of(GenericRecord.class, fact))
        .apply("WriteFactOrders", DeltaWrite.to(Lakehouse.gold(lake, "fact_orders"), fact)
            .partitionedBy("order_date")
            .replacingPartition(day.toString())
            .withRunId(runId)
            .withCommitInfo(built));
    return p.run();
  }

  /** The surrogate key of the version valid on {@code date}. */
  static int keyAsOf(Map<String, Iterable<GenericRecord>> dimension, String table, String surrogateKey, Object naturalKey,
      int date) {
    Iterable<GenericRecord> versions = dimension.get(String.valueOf(naturalKey));
    if (versions != null) {
      for (GenericRecord v : versions) {
        Integer end = (Integer) v.get("end_date");
        if ((Integer) v.get("start_date") <= date && (end == null || date < end)) {
          return (Integer) v.get(surrogateKey);
        }
      }
    }
    throw new IllegalStateException(table + " has no version of " + naturalKey + " valid on " + LocalDate.ofEpochDay(date)
        + ": run GoldDimensions --date=" + LocalDate.ofEpochDay(date) + " first");
  }

  /** Every version of a dimension, by natural key, as a side input. */
  private static PCollectionView<Map<String, Iterable<GenericRecord>>> versions(Pipeline p, String lake, String table,
      String naturalKey) {
    String path = Lakehouse.gold(lake, table);
    if (DeltaTables.latestVersion(path).isEmpty()) {
      throw new IllegalStateException("no dimension at " + path + ": run GoldDimensions first");
    }
    Schema schema = AvroSchemas.gold(table);
    return p.apply("Read_" + table, DeltaRead.latest(path, schema))
        .apply("ByKey_" + table, ParDo.of(new DoFn<GenericRecord, KV<String, GenericRecord>>() {
          @ProcessElement
          public void process(@Element GenericRecord v, OutputReceiver<KV<String, GenericRecord>> out) {
            out.output(KV.of(String.valueOf(v.get(naturalKey)), v));
          }
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(GenericRecord.class, schema)))
        .apply("View_" + table, View.asMultimap());
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("gold facts", () -> runAndRestate(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class)));
  }

  /**
   * The step as the scheduler runs it: the day, then (with {@code --restateLateDays}) every stale day whose
   * silver passes its gate. A stale day that fails it is left as it was and fails the step, naming the day,
   * on every run until its silver is fixed and passes.
   *
   * @return the days built, the asked one first
   */
  public static List<LocalDate> runAndRestate(Options o) throws java.io.IOException {
    LocalDate day = DayOptions.day(o);
    Jobs.toCompletion(run(o), "gold facts");
    List<LocalDate> built = new java.util.ArrayList<>(List.of(day));
    if (!o.getRestateLateDays()) {
      return built;
    }
    List<LocalDate> gated = new java.util.ArrayList<>();
    for (LocalDate late : staleDays(o.getLakehouse())) {
      if (!DataQualityGate.passes(o.getLakehouse(), late)) {
        gated.add(late);
        continue;
      }
      System.out.println("gold facts: restating " + late + ": its silver lines were rebuilt after its facts");
      o.setDate(late.toString());
      Jobs.toCompletion(run(o), "gold facts for " + late);
      built.add(late);
    }
    o.setDate(day.toString());
    if (!gated.isEmpty()) {
      throw new DataQualityGate.Failed("gold facts for " + gated + " were not restated: their silver, rebuilt for late"
          + " rows, fails the data-quality gate (report above). Fix the rows in MySQL: the next"
          + " runs take them into bronze, restate the day's silver and then its facts. To accept the day as it is,"
          + " run SilverClean --date=<day> with a higher --maxQuarantinedPercent");
    }
    return built;
  }
}
