package com.coffeeshop.pipelines.medallion.gold;

import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.Restatement;
import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.RestateOptions;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import com.coffeeshop.transforms.delta.SplitSource;
import com.coffeeshop.transforms.delta.WrittenFile;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

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
    Lakehouse.requireDimensionsCover(lake, day);
    Map<String, String> built = new java.util.HashMap<>(Restatement.inputVersions(lateInputs(lake)));
    built.put(Restatement.DAY, day.toString());
    Pipeline p = Pipeline.create(o);
    AsOf products = AsOf.read(lake, "dim_products", "product_id", "product_key");
    AsOf stores = AsOf.read(lake, "dim_stores", "store_id", "store_key");
    AsOf payments = AsOf.read(lake, "dim_payment_methods", "payment_method_id", "payment_method_key");
    DeltaRead lineRead = DeltaRead.latest(lines, AvroSchemas.silver("order_lines"))
        .onlyPartition(day.toString())
        .withRowGroupSplits();
    DeltaWrite facts = Lakehouse.goldTable(lake, "fact_orders")
        .replacingPartition(day.toString())
        .withRunId(runId)
        .withCommitInfo(built);
    PCollectionTuple joined = p
        .apply("ListSilverLines", SplitSource.of(lineRead.splits()))
        .apply("JoinDimensionsInPlace", ParDo.of(new JoinLines(lineRead, facts, products, stores, payments))
            .withOutputTags(JoinLines.FILES, TupleTagList.of(JoinLines.SMALL_BUNDLE_ROWS)));
    facts.commit("WriteFactOrders", joined.get(JoinLines.FILES), joined.get(JoinLines.SMALL_BUNDLE_ROWS));
    return Jobs.run(p);
  }

  /**
   * Reads silver's lines of the day split by split, joins each to its dimensions' versions and writes the fact
   * rows to the table's files itself ({@link DeltaWrite#newBundle}): a line or a fact is never an element
   * between two steps, which Flink and Spark would encode and decode once per row. Fields are read and set
   * by position, looked up once per instance.
   */
  static class JoinLines extends DoFn<FileSplit, WrittenFile> {
    static final TupleTag<WrittenFile> FILES = new TupleTag<>("files") {};
    static final TupleTag<KV<Integer, GenericRecord>> SMALL_BUNDLE_ROWS = new TupleTag<>("small_bundle_rows") {};
    /** The fact columns copied from the line as they are. */
    private static final List<String> COPIED = List.of("order_date", "order_ts", "customer_id", "quantity",
        "unit_price", "subtotal", "discount_percent", "is_suggestion");

    private final DeltaRead lines;
    private final DeltaWrite facts;
    private final AsOf productKeys;
    private final AsOf storeKeys;
    private final AsOf paymentKeys;
    private transient Schema lineSchema;
    private transient Schema factSchema;
    private transient DeltaWrite.BundleFiles written;
    /** Field positions: COPIED in the line, then in the fact. */
    private transient int[] copiedFrom;
    private transient int[] copiedTo;
    private transient int date;
    private transient int orderId;
    private transient int productId;
    private transient int storeId;
    private transient int paymentMethodId;
    private transient int factOrderId;
    private transient int productKey;
    private transient int storeKey;
    private transient int paymentMethodKey;
    private transient int grossAmount;
    private transient int unitPrice;
    private transient int quantity;

    JoinLines(DeltaRead lines, DeltaWrite facts, AsOf products, AsOf stores, AsOf payments) {
      this.lines = lines;
      this.facts = facts;
      this.productKeys = products;
      this.storeKeys = stores;
      this.paymentKeys = payments;
    }

    @StartBundle
    public void start() {
      written = facts.newBundle();
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      if (lineSchema == null) {
        setUp();
      }
      lines.readSplit(c.element(), lineSchema, line -> {
        try {
          written.write(fact(line));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }

    private void setUp() {
      lineSchema = lines.recordSchema();
      factSchema = AvroSchemas.gold("fact_orders");
      copiedFrom = COPIED.stream().mapToInt(f -> lineSchema.getField(f).pos()).toArray();
      copiedTo = COPIED.stream().mapToInt(f -> factSchema.getField(f).pos()).toArray();
      date = lineSchema.getField("order_date").pos();
      orderId = lineSchema.getField("order_id").pos();
      productId = lineSchema.getField("product_id").pos();
      storeId = lineSchema.getField("store_id").pos();
      paymentMethodId = lineSchema.getField("payment_method_id").pos();
      unitPrice = lineSchema.getField("unit_price").pos();
      quantity = lineSchema.getField("quantity").pos();
      factOrderId = factSchema.getField("order_id").pos();
      productKey = factSchema.getField("product_key").pos();
      storeKey = factSchema.getField("store_key").pos();
      paymentMethodKey = factSchema.getField("payment_method_key").pos();
      grossAmount = factSchema.getField("gross_amount").pos();
    }

    private GenericRecord fact(GenericRecord line) {
      int day = (Integer) line.get(date);
      GenericData.Record f = new GenericData.Record(factSchema);
      for (int i = 0; i < copiedFrom.length; i++) {
        f.put(copiedTo[i], line.get(copiedFrom[i]));
      }
      f.put(factOrderId, line.get(orderId));
      f.put(productKey, productKeys.keyOn(line.get(productId), day));
      f.put(storeKey, storeKeys.keyOn(line.get(storeId), day));
      f.put(paymentMethodKey, paymentKeys.keyOn(line.get(paymentMethodId), day));
      f.put(grossAmount, (long) (Integer) line.get(unitPrice) * (Integer) line.get(quantity));
      return f;
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      written.finish(c, FILES, SMALL_BUNDLE_ROWS);
    }
  }

  /**
   * A dimension's versions by natural key, for the surrogate key valid on a day. It is read when the pipeline is
   * built and travels inside the join's DoFn: the three dimensions hold a few hundred versions, and a side input
   * would keep the join from running in the same task as its read on Flink (a task with a broadcast input is
   * never chained), which is what lets the workers share the splits by how fast they go ({@link SplitSource}).
   */
  static final class AsOf implements java.io.Serializable {
    private record Version(int start, int end, int key) implements java.io.Serializable {}

    private final String table;
    private final Map<String, Version[]> versions = new java.util.HashMap<>();
    /**
     * The same versions by the natural key as a line holds it (an {@code Integer}, or Avro's {@code Utf8} for
     * text), filled on first use: a line's key is looked up without turning it into a {@code String}.
     */
    private transient Map<Object, Version[]> byLineKey;

    /**
     * Every version in the latest snapshot of {@code table}, by its {@code naturalKey} as text. The caller has
     * checked that the dimension covers the day: a missing one has no versions, and a line fails on it.
     */
    static AsOf read(String lake, String table, String naturalKey, String surrogateKey) {
      String path = Lakehouse.gold(lake, table);
      try {
        return new AsOf(table, naturalKey, surrogateKey, DeltaTables.readSmall(path, AvroSchemas.gold(table), null));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + path, e);
      }
    }

    AsOf(String table, String naturalKey, String surrogateKey, Iterable<GenericRecord> rows) {
      this.table = table;
      Map<String, List<Version>> byKey = new java.util.HashMap<>();
      for (GenericRecord v : rows) {
        Integer end = (Integer) v.get("end_date");
        byKey.computeIfAbsent(String.valueOf(v.get(naturalKey)), k -> new java.util.ArrayList<>())
            .add(new Version((Integer) v.get("start_date"), end == null ? Integer.MAX_VALUE : end,
                (Integer) v.get(surrogateKey)));
      }
      byKey.forEach((id, vs) -> versions.put(id, vs.toArray(Version[]::new)));
    }

    /** The surrogate key of the version of {@code naturalKey} valid on {@code date} (days since the epoch). */
    int keyOn(Object naturalKey, int date) {
      if (byLineKey == null) {
        byLineKey = new java.util.HashMap<>();
      }
      Version[] vs = byLineKey.get(naturalKey);
      if (vs == null) {
        vs = versions.get(String.valueOf(naturalKey));
        if (vs != null) {
          // A copy: the reader's Utf8 is never changed, but a key kept in a map must not depend on that.
          byLineKey.put(naturalKey instanceof org.apache.avro.util.Utf8 u ? new org.apache.avro.util.Utf8(u.toString()) : naturalKey, vs);
        }
      }
      if (vs != null) {
        for (Version v : vs) {
          if (v.start() <= date && date < v.end()) {
            return v.key();
          }
        }
      }
      throw new IllegalStateException(table + " has no version of " + naturalKey + " valid on " + LocalDate.ofEpochDay(date)
          + ": run GoldDimensions --date=" + LocalDate.ofEpochDay(date) + " first");
    }
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("gold facts", () -> runAndRestate(Jobs.batchOptions(args, Options.class)));
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
      Jobs.progress("gold facts", "restating " + late + ": its silver lines were rebuilt after its facts");
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
