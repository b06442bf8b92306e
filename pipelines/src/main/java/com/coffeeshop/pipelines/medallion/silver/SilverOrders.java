package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.OrderBuckets;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.FileSplit;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import com.coffeeshop.transforms.delta.DeltaWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A day's orders and order lines: the bronze partition of the day only (never the history), the order rules,
 * then one join by order id that finds duplicate orders and lines, lines without a valid order, and prices each
 * line as of its order's time. Bronze writes orders and lines in buckets of the order id ({@link OrderBuckets}),
 * so the join takes a bucket at a time: one step reads a bucket's files of both tables, joins them in memory and
 * writes the valid rows to silver's {@code orders} and {@code order_lines} files itself
 * ({@link OrderRules.JoinBucket}); only the list of buckets is shuffled, to deal them out to the workers, never a
 * row. The outputs are the quarantined rows and the data-quality
 * counts.
 */
public final class SilverOrders extends PTransform<PBegin, PCollectionTuple> {
  /** The day's reference snapshots the order rules check against, as side inputs (id → name or tier). */
  public record References(PCollectionView<Map<Integer, String>> stores,
      PCollectionView<Map<Integer, String>> paymentMethods, PCollectionView<Map<Integer, String>> customers,
      PCollectionView<Map<String, String>> products) implements java.io.Serializable {}

  private final SilverTable.Run run;
  private final Instant runStarted;
  private final References references;
  private final DeltaWrite ordersTable;
  private final DeltaWrite linesTable;

  /**
   * @param runStarted an order after it has a {@code future_timestamp}
   * @param ordersTable the write of silver {@code orders}
   * @param linesTable the write of silver {@code order_lines}
   */
  public SilverOrders(SilverTable.Run run, Instant runStarted, References references, DeltaWrite ordersTable,
      DeltaWrite linesTable) {
    this.run = run;
    this.runStarted = runStarted;
    this.references = references;
    this.ordersTable = ordersTable;
    this.linesTable = linesTable;
  }

  /** {@link SilverTable#QUARANTINED} and {@link SilverTable#COUNTS}; the rows are written here. */
  @Override
  public PCollectionTuple expand(PBegin begin) {
    Pipeline p = begin.getPipeline();
    String lake = run.lake();
    LocalDate day = run.day();
    List<KV<String, Long>> rowsIn = new ArrayList<>();
    List<DeltaRead> reads = List.of(readDay(lake, "orders", "orders", day, rowsIn),
        readDay(lake, "order_details", "order_lines", day, rowsIn));
    List<KV<Integer, FileSplit>> splits = new ArrayList<>();
    for (int tag : List.of(OrderRules.ORDER, OrderRules.LINE)) {
      reads.get(tag).splits().forEach(f -> splits.add(KV.of(tag, f)));
    }
    References r = references;
    OrderRules.JoinSpec join = new OrderRules.JoinSpec(new OrderRules.OrderCheck(day, run.days(), runStarted),
        r.stores(), r.paymentMethods(), r.customers(), priceHistory(p, lake), r.products(),
        run.days(), run.quarantine(), ordersTable, linesTable);
    PCollectionTuple joined = p
        .apply("ListBronzeBuckets", Create.of(OrderBuckets.of(splits)).withCoder(KvCoder.of(VarIntCoder.of(),
            ListCoder.of(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(FileSplit.class))))))
        // a bucket is a large unit of work (a 16th of the day): dealt out to the workers by a shuffle, so Spark makes
        // one bundle, and files, per worker instead of one per bucket
        .apply("SpreadBuckets", Reshuffle.viaRandomKey())
        .apply("JoinBucketsInPlace", ParDo.of(new OrderRules.JoinBucket(join, reads))
            .withSideInputs(join.sideInputs())
            .withOutputTags(OrderRules.ORDER_FILES, TupleTagList.of(OrderRules.LINE_FILES).and(OrderRules.ORDER_ROWS)
                .and(OrderRules.LINE_ROWS).and(SilverTable.COUNTS).and(SilverTable.QUARANTINED)));
    ordersTable.commit("WriteOrders", joined.get(OrderRules.ORDER_FILES), joined.get(OrderRules.ORDER_ROWS));
    linesTable.commit("WriteOrderLines", joined.get(OrderRules.LINE_FILES), joined.get(OrderRules.LINE_ROWS));
    PCollection<KV<String, Long>> counts = PCollectionList
        .of(p.apply("RowsIn", Create.of(rowsIn).withCoder(DataQuality.countCoder())))
        .and(joined.get(SilverTable.COUNTS).setCoder(DataQuality.countCoder()))
        .apply("Counts", Flatten.pCollections());
    return PCollectionTuple.of(SilverTable.QUARANTINED,
            joined.get(SilverTable.QUARANTINED).setCoder(AvroCoder.of(GenericRecord.class, Quarantine.schema())))
        .and(SilverTable.COUNTS, counts);
  }

  /**
   * The bronze columns the rules read (and a quarantined row shows): the source columns and the version's
   * change time. Bronze's lineage columns are not decoded.
   */
  private static final Map<String, List<String>> INPUT_COLUMNS = Map.of(
      "orders", List.of("id", "timestamp", "store_id", "payment_method_id", "customer_id", "_changed_at",
          "_deleted"),
      "order_details", List.of("order_id", "product_id", "quantity", "discount_percent", "subtotal", "is_suggestion",
          "_changed_at", "_deleted"));

  /**
   * The read of the bronze partition of {@code day}, as of the table's version now (the columns the rules
   * read); adds its row count, from the files' footers, to {@code rowsIn}.
   */
  private static DeltaRead readDay(String lake, String table, String silverTable, LocalDate day,
      List<KV<String, Long>> rowsIn) {
    String path = Lakehouse.bronze(lake, table);
    long version = Lakehouse.requireTable(path, "BronzeIngest");
    try {
      rowsIn.add(DataQuality.in(silverTable, DeltaTables.rowCount(path, version, day.toString())));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot count the rows of " + path + " for " + day, e);
    }
    return DeltaRead.latest(path, AvroSchemas.bronze(table))
        .atVersion(version)
        .onlyColumns(INPUT_COLUMNS.get(table))
        .onlyPartition(day.toString());
  }

  /**
   * Every captured price of every product: product id → its versions, each known in force until the latest instant
   * a bronze run saw it so (its own read, or a later run's observation of it unchanged). Pricing takes those written
   * before the order's day ends, or the first one when none was (an order from before the product's first capture).
   */
  private static PCollectionView<Map<String, Iterable<PriceVersion>>> priceHistory(Pipeline p, String lake) {
    String observations = Lakehouse.bronze(lake, "observations");
    PCollection<KV<String, Long>> seen = DeltaTables.latestVersion(observations).isPresent()
        ? p.apply("ReadObservations", DeltaRead.latest(observations, AvroSchemas.bronze("observations")))
            .apply("ObservedVersions", ParDo.of(new DoFn<GenericRecord, KV<String, Long>>() {
              @ProcessElement
              public void process(@Element GenericRecord o, OutputReceiver<KV<String, Long>> out) {
                if (o.get("source_table").toString().equals("products")) {
                  out.output(KV.of(o.get("id") + "@" + o.get("_changed_at"), (Long) o.get("_seen_at")));
                }
              }
            }))
        : p.apply("NoObservations", Create.empty(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    PCollectionView<Map<String, Long>> lastSeen = seen.setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("LastSeen", Max.longsPerKey())
        .apply("LastSeenView", View.asMap());
    return p.apply("ReadBronzeProductVersions", DeltaRead.latest(Lakehouse.bronze(lake, "products"), AvroSchemas.bronze("products")))
        .apply("PriceVersions", ParDo.of(new DoFn<GenericRecord, KV<String, PriceVersion>>() {
          @ProcessElement
          public void process(ProcessContext c) {
            GenericRecord r = c.element();
            long at = (Long) r.get("_changed_at");
            if ((Boolean) r.get("_deleted")) {
              return;
            }
            try {
              int price = Clean.integer(r, "unit_price");
              String id = Clean.key(r, "id");
              long observed = Math.max((Long) r.get("_seen_at"), c.sideInput(lastSeen).getOrDefault(id + "@" + at, 0L));
              if (price > 0) {
                c.output(KV.of(id, new PriceVersion(at, price, observed)));
              }
            } catch (Rejected invalid) {
              // an invalid version is quarantined by the products rules on its day; it never prices a line
            }
          }
        }).withSideInputs(lastSeen))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(PriceVersion.class)))
        .apply("PriceHistory", View.asMultimap());
  }
}
