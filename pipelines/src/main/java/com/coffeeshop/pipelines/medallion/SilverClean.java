package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.medallion.silver.ReferenceRules;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.RestateOptions;
import com.coffeeshop.pipelines.options.TimeZoneOptions;
import com.coffeeshop.pipelines.medallion.silver.ReferenceSnapshot;
import com.coffeeshop.pipelines.medallion.silver.SilverOrders;
import com.coffeeshop.pipelines.medallion.silver.SilverTable;
import org.apache.beam.sdk.values.PCollectionTuple;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
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
 * the run, {@link DataQualityGate} prints the report and exits non-zero when a table's quarantined
 * share exceeds {@code --maxQuarantinedPercent} (the report and quarantine are written first), so the
 * scheduler stops the day.
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

  /** What a silver day reads that can change after the day was built: the order tables of bronze. */
  static Map<String, String> lateInputs(String lake) {
    return Map.of("bronze/orders", Lakehouse.bronze(lake, "orders"),
        "bronze/order_details", Lakehouse.bronze(lake, "order_details"));
  }

  /** The days whose silver is stale: built, then bronze received rows for them. */
  public static java.util.SortedSet<LocalDate> staleDays(String lake) {
    return Restatement.staleDays(ORDER_TABLES.stream().map(t -> Lakehouse.silver(lake, t)).toList(), lateInputs(lake));
  }

  /** The silver tables, in the order the report lists them. */
  public static final List<String> TABLES = List.of(
      "product_categories", "products", "stores", "payment_methods", "customers", "orders", "order_lines");

  public static PipelineResult run(Options o) {
    if (o.getMaxQuarantinedPercent() < 0 || o.getMaxQuarantinedPercent() > 100) {
      throw new IllegalArgumentException("--maxQuarantinedPercent must be within 0..100, got " + o.getMaxQuarantinedPercent());
    }
    LocalDate day = DayOptions.day(o);
    BusinessDay days = TimeZoneOptions.businessDay(o);
    BronzeIngest.requireZone(o.getLakehouse(), days);
    String runId = LakehouseOptions.runId(o);
    String lake = o.getLakehouse();
    Quarantine quarantine = new Quarantine(day, runId);
    Map<String, String> built = new java.util.HashMap<>(Restatement.inputVersions(lateInputs(lake)));
    built.put("day", day.toString());
    built.put(GATE, String.valueOf(o.getMaxQuarantinedPercent()));
    Pipeline p = Pipeline.create(o);
    SilverTable.Run silver = new SilverTable.Run(lake, day, days, quarantine);
    List<PCollection<GenericRecord>> rejected = new ArrayList<>();
    List<PCollection<KV<String, Long>>> counts = new ArrayList<>();

    // Products carry their category's name: every product of the day is checked against the day's categories, so
    // a category renamed today renames it on every product, not only on products changed today.
    PCollectionTuple categories = p.apply("product_categories",
        new ReferenceSnapshot(silver, "product_category", "category_id", new ReferenceRules.Categories(day)));
    Map<String, PCollectionTuple> references = new java.util.LinkedHashMap<>();
    references.put("product_categories", categories);
    for (ReferenceSnapshot table : List.of(
        new ReferenceSnapshot(silver, "products", "product_id", new ReferenceRules.Products(day))
            .withCategories(asMap(categories.get(SilverTable.ROWS), "category_id", "category")),
        new ReferenceSnapshot(silver, "stores", "store_id", new ReferenceRules.Stores(day)),
        new ReferenceSnapshot(silver, "payment_methods", "payment_method_id", new ReferenceRules.PaymentMethods(day)),
        new ReferenceSnapshot(silver, "customers", "customer_id", new ReferenceRules.Customers(day)))) {
      references.put(table.table(), p.apply(table.table(), table));
    }
    references.forEach((table, out) -> {
      out.get(SilverTable.ROWS).apply("Write_" + table, table(lake, table, "snapshot_date", built, runId));
      rejected.add(out.get(SilverTable.QUARANTINED));
      counts.add(out.get(SilverTable.COUNTS));
    });

    PCollectionTuple orders = p.apply("orders_and_order_lines", new SilverOrders(silver, Instant.now(),
        new SilverOrders.References(
            asMap(references.get("stores").get(SilverTable.ROWS), "store_id", "store_name"),
            asMap(references.get("payment_methods").get(SilverTable.ROWS), "payment_method_id", "method_name"),
            asMap(references.get("customers").get(SilverTable.ROWS), "customer_id", "tier"),
            references.get("products").get(SilverTable.ROWS)
                .apply("Map_product_id", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(r -> KV.of(r.get("product_id").toString(), r.get("product_name").toString())))
                .apply("View_product_id", View.asMap())),
        table(lake, "orders", "order_date", built, runId).withoutDictionary(ORDER_UNIQUE),
        table(lake, "order_lines", "order_date", built, runId).withoutDictionary(ORDER_UNIQUE)
            .withRowGroupBytes(GoldFacts.LINE_ROW_GROUP_BYTES)));
    rejected.add(orders.get(SilverTable.QUARANTINED));
    counts.add(orders.get(SilverTable.COUNTS));

    PCollection<GenericRecord> allRejected = PCollectionList.of(rejected).apply("AllQuarantined", Flatten.pCollections());
    allRejected.apply("Write_quarantine", table(lake, "quarantine", "run_date", built, runId));
    counts.add(DataQuality.quarantined(allRejected));
    DataQuality.report(PCollectionList.of(counts), TABLES, day, runId)
        .apply("Write_dq_report", table(lake, "dq_report", "run_date", built, runId));
    return p.run();
  }

  /** The commit info key of the gate's threshold a day was built with: a restated day is gated with it again. */
  static final String GATE = "max_quarantined_percent";

  /** An order's columns that are nearly all different in a table of orders or lines: no parquet dictionary. */
  static final String[] ORDER_UNIQUE = {"order_id", "order_ts"};

  /** The write of a silver table: the day's partition replaced, the build's inputs recorded. */
  private static DeltaWrite table(String lake, String table, String partitionColumn, Map<String, String> built,
      String runId) {
    return DeltaWrite.to(Lakehouse.silver(lake, table), AvroSchemas.silver(table))
        .partitionedBy(partitionColumn)
        .replacingPartition(built.get("day"))
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

  public static void main(String[] args) throws Exception {
    Jobs.main("silver", () -> runAndRestate(Jobs.batchOptions(args, Options.class)));
  }

  /**
   * The step as the scheduler runs it: the day, then (with {@code --restateLateDays}) every stale day
   * (see {@link Restatement}), then the gate over all of them. A restated day that fails the gate fails the
   * step, naming the day; its silver is rebuilt all the same, and {@link GoldFacts} will not restate it
   * until it passes.
   *
   * @return the days built, the asked one first
   */
  public static List<LocalDate> runAndRestate(Options o) throws java.io.IOException {
    LocalDate day = DayOptions.day(o);
    Jobs.toCompletion(run(o), "silver");
    List<LocalDate> built = new ArrayList<>(List.of(day));
    if (o.getRestateLateDays()) {
      for (LocalDate late : staleDays(o.getLakehouse())) {
        System.out.println("silver: restating " + late + ": bronze received rows for it after it was built");
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
