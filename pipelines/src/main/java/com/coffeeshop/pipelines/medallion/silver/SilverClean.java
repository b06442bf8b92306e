package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.Restatement;
import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.medallion.reference.ReferenceRules;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.RestateOptions;
import com.coffeeshop.pipelines.options.TimeZoneOptions;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Silver for one day: bronze → cleaned, typed, validated Delta tables under {@code <lakehouse>/silver}.
 *
 * <ul>
 *   <li>reference tables ({@code product_categories, products, stores, payment_methods, customers}):
 *       a snapshot of every entity as of the day's end, partition {@code snapshot_date} (see
 *       {@link ReferenceSnapshot}); products carry their category's name;
 *   <li>{@code orders} and {@code order_lines} of the day (partition {@code order_date}); lines carry
 *       their order's time, store, payment method and customer, and the price they were sold at;
 *   <li>{@code quarantine}: every rejected row with its rule, detail and original values;
 *   <li>{@code dq_report}: per table rows in, valid and quarantined (by rule), checked to reconcile.
 * </ul>
 *
 * <p>Every table's partition for the day is replaced, so re-running a day gives the same tables. After
 * the run, {@link DataQualityGate} prints the report and fails the step when a table's quarantined share
 * exceeds {@code --maxQuarantinedPercent} (the report and quarantine are written first), so the scheduler
 * stops the day.
 */
public class SilverClean {
  public interface Options extends LakehouseOptions, RestateOptions {
    @Description("The data-quality gate: the largest share of any table's rows, in percent, that may be quarantined"
        + " before the run fails")
    @Default.Double(1.0)
    double getMaxQuarantinedPercent();

    void setMaxQuarantinedPercent(double value);
  }

  /** The silver tables a day's late rows change; {@link Restatement} finds stale days from their builds. */
  static final List<String> ORDER_TABLES = List.of("orders", "order_lines", "quarantine", "dq_report");

  /** Every bronze table a silver day reads: a commit to any of them in the day's partition after the build restates it. */
  static Map<String, String> inputs(String lake) {
    Map<String, String> inputs = new HashMap<>();
    for (String table : List.of("orders", "order_details", "product_category", "products", "stores", "payment_methods",
        "customers", "observations")) {
      inputs.put("bronze/" + table, Lakehouse.bronze(lake, table));
    }
    return inputs;
  }

  /** The days whose silver is stale: built, then bronze received rows for them. */
  public static SortedSet<LocalDate> staleDays(String lake) {
    return Restatement.staleDays(ORDER_TABLES.stream().map(t -> Lakehouse.silver(lake, t)).toList(), inputs(lake));
  }

  public static PipelineResult run(Options o) {
    if (o.getMaxQuarantinedPercent() < 0 || o.getMaxQuarantinedPercent() > 100) {
      throw new IllegalArgumentException("--maxQuarantinedPercent must be within 0..100, got " + o.getMaxQuarantinedPercent());
    }
    LocalDate day = DayOptions.day(o);
    BusinessDay days = TimeZoneOptions.businessDay(o);
    String lake = o.getLakehouse();
    Lakehouse.requireZone(lake, days);
    String runId = LakehouseOptions.runId(o);
    Map<String, String> built = new HashMap<>(Restatement.inputVersions(inputs(lake)));
    built.put(Restatement.DAY, day.toString());
    built.put(DataQualityGate.GATE, String.valueOf(o.getMaxQuarantinedPercent()));
    SilverTable.Run silver = new SilverTable.Run(lake, day, days, new Quarantine(day, runId));
    Pipeline p = Pipeline.create(o);
    List<PCollection<GenericRecord>> rejected = new ArrayList<>();
    List<PCollection<KV<String, Long>>> counts = new ArrayList<>();

    // Products carry their category's name: every product of the day is checked against the day's categories, so
    // a category renamed today renames it on every product, not only on products changed today.
    PCollectionTuple categories = p.apply("ProductCategories", new ReferenceSnapshot(silver, "product_category",
        "category_id", new ReferenceRules.Categories(day), table(lake, "product_categories", built, runId)));
    Map<String, PCollectionTuple> references = new LinkedHashMap<>();
    references.put("ProductCategories", categories);
    references.put("Products", p.apply("Products", new ReferenceSnapshot(silver, "products", "product_id",
        new ReferenceRules.Products(day), table(lake, "products", built, runId))
        .withCategories(asMap(categories.get(SilverTable.ROWS), "category_id", "category"))));
    references.put("Stores", p.apply("Stores", new ReferenceSnapshot(silver, "stores", "store_id",
        new ReferenceRules.Stores(day), table(lake, "stores", built, runId))));
    references.put("PaymentMethods", p.apply("PaymentMethods", new ReferenceSnapshot(silver, "payment_methods",
        "payment_method_id", new ReferenceRules.PaymentMethods(day), table(lake, "payment_methods", built, runId))));
    references.put("Customers", p.apply("Customers", new ReferenceSnapshot(silver, "customers", "customer_id",
        new ReferenceRules.Customers(day), table(lake, "customers", built, runId))));
    references.values().forEach(out -> {
      rejected.add(out.get(SilverTable.QUARANTINED));
      counts.add(out.get(SilverTable.COUNTS));
    });

    PCollectionTuple orders = p.apply("OrdersAndLines", new SilverOrders(silver, Instant.now(),
        new SilverOrders.References(
            asMap(references.get("Stores").get(SilverTable.ROWS), "store_id", "store_name"),
            asMap(references.get("PaymentMethods").get(SilverTable.ROWS), "payment_method_id", "method_name"),
            asMap(references.get("Customers").get(SilverTable.ROWS), "customer_id", "tier"),
            productIds(references.get("Products").get(SilverTable.ROWS))),
        table(lake, "orders", built, runId), table(lake, "order_lines", built, runId)));
    rejected.add(orders.get(SilverTable.QUARANTINED));
    counts.add(orders.get(SilverTable.COUNTS));

    PCollection<GenericRecord> allRejected = PCollectionList.of(rejected).apply("AllQuarantined", Flatten.pCollections());
    allRejected.apply("WriteQuarantine", table(lake, "quarantine", built, runId));
    counts.add(DataQuality.quarantined(allRejected));
    DataQuality.report(PCollectionList.of(counts), Lakehouse.SILVER_TABLES, day, runId)
        .apply("WriteDataQualityReport", table(lake, "dq_report", built, runId));
    return Jobs.run(p);
  }

  /** The write of a silver table: the day's partition replaced, the build's inputs recorded. */
  private static DeltaWrite table(String lake, String table, Map<String, String> built, String runId) {
    return Lakehouse.silverTable(lake, table)
        .replacingPartition(built.get(Restatement.DAY))
        .withRunId(runId)
        .withCommitInfo(built);
  }

  /** A small snapshot as an id → value map side input. */
  private static PCollectionView<Map<Integer, String>> asMap(PCollection<GenericRecord> rows, String key, String value) {
    return rows
        .apply("Map_" + key, ParDo.of(new DoFn<GenericRecord, KV<Integer, String>>() {
          @ProcessElement
          public void process(@Element GenericRecord r, OutputReceiver<KV<Integer, String>> out) {
            out.output(KV.of((Integer) r.get(key), String.valueOf(r.get(value))));
          }
        }))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("View_" + key, View.asMap());
  }

  /** The day's products as an id → name map side input. */
  private static PCollectionView<Map<String, String>> productIds(PCollection<GenericRecord> products) {
    return products
        .apply("Map_product_id", ParDo.of(new DoFn<GenericRecord, KV<String, String>>() {
          @ProcessElement
          public void process(@Element GenericRecord r, OutputReceiver<KV<String, String>> out) {
            out.output(KV.of(r.get("product_id").toString(), r.get("product_name").toString()));
          }
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("View_product_id", View.asMap());
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("silver", () -> runAndRestate(Jobs.batchOptions(args, Options.class)));
  }

  /**
   * The step as the scheduler runs it: the day, then (with {@code --restateLateDays}) every stale day
   * (see {@link Restatement}), then the gate over all of them. A restated day that fails the gate fails the
   * step, naming the day; its silver is rebuilt all the same, and gold facts will not restate it until it passes.
   *
   * @return the days built, the asked one first
   */
  public static List<LocalDate> runAndRestate(Options o) throws IOException {
    LocalDate day = DayOptions.day(o);
    Jobs.toCompletion(run(o), "silver");
    List<LocalDate> built = new ArrayList<>(List.of(day));
    if (o.getRestateLateDays()) {
      for (LocalDate late : staleDays(o.getLakehouse())) {
        Jobs.progress("silver", "restating " + late + ": bronze received rows for it after it was built");
        o.setDate(late.toString());
        Jobs.toCompletion(run(o), "silver for " + late);
        built.add(late);
      }
      o.setDate(day.toString());
    }
    DataQualityGate.checkAll(o.getLakehouse(), built, o.getMaxQuarantinedPercent());
    return built;
  }
}
