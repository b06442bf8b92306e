package com.coffeeshop.pipelines.medallion.gold;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.Restatement;
import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.TimeZoneOptions;
import com.coffeeshop.pipelines.medallion.reference.ReferenceHistory;
import com.coffeeshop.pipelines.medallion.reference.ReferenceRules;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.scd2.Scd2Dimension;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The gold SCD Type 2 dimensions {@code gld.dim_products}, {@code gld.dim_stores} and
 * {@code gld.dim_payment_methods}, rebuilt whole (copy-on-write: they are small) from the history kept
 * in bronze: the entities on every day (the same {@link ReferenceHistory} rule and row rules as the
 * silver snapshots) from the first captured change to the latest day built so far, versioned by
 * {@link Scd2Dimension}.
 *
 * <p>So any day can be built, re-built or back-filled in any order with the same rows: building day D
 * covers max(D, the dimension's last day), a version keeps its surrogate key across rebuilds, and a key
 * deleted in MySQL is valid through the day its deletion was seen, then closed. The commit records the
 * last day covered ({@code effective_date}) and the day asked for ({@code day}).
 */
public class GoldDimensions {
  public interface Options extends LakehouseOptions, DayOptions {
    @Description("Close the current version of a key that is missing from a day's entities (deleted in MySQL)")
    @Default.Boolean(true)
    boolean getCloseMissing();

    void setCloseMissing(boolean value);
  }

  /** One dimension: its table, keys and tracked columns, and the silver rows it comes from. */
  record Dimension(String table, String surrogateKey, String naturalKey, List<String> tracked)
      implements java.io.Serializable {}

  static final Dimension PRODUCTS = new Dimension("dim_products", "product_key", "product_id",
      List.of("product_name", "category", "unit_price"));
  static final Dimension STORES = new Dimension("dim_stores", "store_key", "store_id",
      List.of("store_name", "address", "district", "city"));
  static final Dimension PAYMENT_METHODS = new Dimension("dim_payment_methods", "payment_method_key",
      "payment_method_id", List.of("method_name", "bank"));
  static final List<Dimension> DIMENSIONS = List.of(PRODUCTS, STORES, PAYMENT_METHODS);

  /** The bronze tables the dimensions are built from. */
  static final List<String> SOURCES = List.of("product_category", "products", "stores", "payment_methods");

  public static PipelineResult run(Options o) {
    LocalDate day = DayOptions.day(o);
    BusinessDay days = TimeZoneOptions.businessDay(o);
    Lakehouse.requireZone(o.getLakehouse(), days);
    String runId = LakehouseOptions.runId(o);
    String lake = o.getLakehouse();
    LocalDate through = day;
    for (Dimension d : DIMENSIONS) {
      Optional<LocalDate> last = Lakehouse.dimensionCoveredThrough(lake, d.table());
      if (last.isPresent() && last.get().isAfter(through)) {
        through = last.get();
      }
    }
    if (through.isAfter(day)) {
      Jobs.progress("gold dimensions", "built through " + through + " already; rebuilding them through " + through
          + " for " + day);
    }
    Pipeline p = Pipeline.create(o);
    Map<String, PCollectionView<List<GenericRecord>>> bronze = new TreeMap<>();
    for (String t : SOURCES) {
      String path = Lakehouse.bronze(lake, t);
      Lakehouse.requireTable(path, "BronzeIngest");
      bronze.put(t, p.apply("ReadBronze_" + t, DeltaRead.latest(path, AvroSchemas.bronze(t)))
          .apply("AsList_" + t, View.asList()));
    }
    Map<Dimension, PCollectionView<List<GenericRecord>>> stored = new java.util.LinkedHashMap<>();
    for (Dimension d : DIMENSIONS) {
      String path = Lakehouse.gold(lake, d.table());
      Schema schema = AvroSchemas.gold(d.table());
      PCollection<GenericRecord> rows = DeltaTables.latestVersion(path).isPresent()
          ? p.apply("Read_" + d.table(), DeltaRead.latest(path, schema))
          : p.apply("None_" + d.table(), Create.empty(AvroCoder.of(GenericRecord.class, schema)));
      stored.put(d, rows.apply("AsList_" + d.table(), View.asList()));
    }
    List<PCollectionView<?>> sideInputs = new ArrayList<>(bronze.values());
    sideInputs.addAll(stored.values());
    TupleTag<GenericRecord> products = new TupleTag<>("dim_products") {};
    TupleTag<GenericRecord> stores = new TupleTag<>("dim_stores") {};
    TupleTag<GenericRecord> payments = new TupleTag<>("dim_payment_methods") {};
    Map<Dimension, TupleTag<GenericRecord>> tags = Map.of(PRODUCTS, products, STORES, stores, PAYMENT_METHODS, payments);
    PCollectionTuple built = p.apply("Once", Create.of(0))
        .apply("BuildDimensions", ParDo.of(new BuildFn(through, days, o.getCloseMissing(), bronze, stored, tags))
            .withSideInputs(sideInputs)
            .withOutputTags(products, TupleTagList.of(stores).and(payments)));
    for (Dimension d : DIMENSIONS) {
      Schema schema = AvroSchemas.gold(d.table());
      built.get(tags.get(d)).setCoder(AvroCoder.of(GenericRecord.class, schema))
          .apply("Write_" + d.table(), Lakehouse.goldTable(lake, d.table())
              .withMode(DeltaWrite.Mode.OVERWRITE)
              .withRunId(runId)
              .withCommitInfo(Map.of(Lakehouse.DIMENSIONS_COVER, through.toString(), Restatement.DAY, day.toString())));
    }
    return Jobs.run(p);
  }

  /** Every day's entities from bronze, then each dimension from them. */
  static class BuildFn extends DoFn<Integer, GenericRecord> {
    private final LocalDate through;
    private final BusinessDay days;
    private final boolean closeMissing;
    private final Map<String, PCollectionView<List<GenericRecord>>> bronze;
    private final Map<Dimension, PCollectionView<List<GenericRecord>>> stored;
    private final Map<Dimension, TupleTag<GenericRecord>> tags;

    BuildFn(LocalDate through, BusinessDay days, boolean closeMissing, Map<String, PCollectionView<List<GenericRecord>>> bronze,
        Map<Dimension, PCollectionView<List<GenericRecord>>> stored, Map<Dimension, TupleTag<GenericRecord>> tags) {
      this.through = through;
      this.days = days;
      this.closeMissing = closeMissing;
      this.bronze = bronze;
      this.stored = stored;
      this.tags = tags;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<String, ReferenceHistory> history = new TreeMap<>();
      bronze.forEach((t, view) -> history.put(t, new ReferenceHistory(c.sideInput(view), days)));
      Optional<LocalDate> first = history.values().stream().map(ReferenceHistory::firstDay).flatMap(Optional::stream)
          .min(LocalDate::compareTo);
      Map<Dimension, SortedMap<LocalDate, List<GenericRecord>>> daily = new java.util.HashMap<>();
      DIMENSIONS.forEach(d -> daily.put(d, new TreeMap<>()));
      // Before its first captured version an entity has that version (see ReferenceHistory): from the start of
      // time, so that orders imported from before the first capture find their dimensions.
      List<LocalDate> days = new java.util.ArrayList<>();
      first.ifPresent(f -> days.add(Lakehouse.HISTORY_START));
      for (LocalDate d = first.orElse(through.plusDays(1)); !d.isAfter(through); d = d.plusDays(1)) {
        days.add(d);
      }
      for (LocalDate d : days) {
        Map<Integer, String> categories = new java.util.HashMap<>();
        ReferenceRules.Categories categoryRule = new ReferenceRules.Categories(d);
        history.get("product_category").on(d, v -> categoryRule.silverRow(v, Map.of()))
            .values().forEach(r -> categories.put((Integer) r.get("category_id"), r.get("category").toString()));
        ReferenceRules.Products productRule = new ReferenceRules.Products(d);
        ReferenceRules.Stores storeRule = new ReferenceRules.Stores(d);
        ReferenceRules.PaymentMethods paymentRule = new ReferenceRules.PaymentMethods(d);
        daily.get(PRODUCTS).put(d, List.copyOf(history.get("products").on(d, v -> productRule.silverRow(v, categories)).values()));
        daily.get(STORES).put(d, List.copyOf(history.get("stores").on(d, v -> storeRule.silverRow(v, Map.of())).values()));
        daily.get(PAYMENT_METHODS).put(d,
            List.copyOf(history.get("payment_methods").on(d, v -> paymentRule.silverRow(v, Map.of())).values()));
      }
      for (Dimension dim : DIMENSIONS) {
        Scd2Dimension scd2 = Scd2Dimension.of(AvroSchemas.gold(dim.table()), dim.surrogateKey(), dim.naturalKey(),
            dim.tracked()).closeMissing(closeMissing);
        scd2.build(daily.get(dim), c.sideInput(stored.get(dim))).forEach(r -> c.output(tags.get(dim), r));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("gold dimensions", () -> Jobs.toCompletion(
        run(Jobs.batchOptions(args, Options.class)), "gold dimensions"));
  }
}
