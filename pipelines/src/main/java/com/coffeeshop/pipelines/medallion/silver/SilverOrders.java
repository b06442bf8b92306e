package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.medallion.Lakehouse;
import com.coffeeshop.pipelines.medallion.BusinessDay;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * A day's orders and order lines: the bronze partition of the day only (never the history), the
 * order rules, then one grouping by order id that finds duplicate orders and lines, lines without a
 * valid order, and prices each line as of its order's time.
 */
public final class SilverOrders {
  private SilverOrders() {}

  public record Result(PCollection<GenericRecord> orders, PCollection<GenericRecord> lines,
      PCollection<GenericRecord> quarantined, PCollection<String> counts) {}

  public static Result build(Pipeline p, String lake, LocalDate day, BusinessDay days, Instant runStarted,
      Quarantine quarantine,
      PCollectionView<Map<Integer, String>> stores, PCollectionView<Map<Integer, String>> paymentMethods,
      PCollectionView<Map<Integer, String>> customers, PCollectionView<Map<String, String>> products) {
    AvroCoder<GenericRecord> quarantineCoder = AvroCoder.of(GenericRecord.class, Quarantine.schema());
    AvroCoder<GenericRecord> orderCoder = AvroCoder.of(GenericRecord.class, AvroSchemas.silver("orders"));
    AvroCoder<GenericRecord> bronzeOrderCoder = AvroCoder.of(GenericRecord.class, AvroSchemas.bronze("orders"));
    AvroCoder<GenericRecord> bronzeLineCoder = AvroCoder.of(GenericRecord.class, AvroSchemas.bronze("order_details"));
    PCollection<GenericRecord> bronzeOrders = readDay(p, lake, "orders", day);
    PCollection<GenericRecord> bronzeLines = readDay(p, lake, "order_details", day);

    PCollectionTuple keyedOrders = bronzeOrders.apply("KeyOrders", ParDo.of(new OrderRules.KeyBy("orders", "id", quarantine))
        .withOutputTags(OrderRules.KeyBy.KEYED, TupleTagList.of(Quarantine.QUARANTINED)));
    PCollectionTuple keyedLines = bronzeLines.apply("KeyLines",
        ParDo.of(new OrderRules.KeyBy("order_lines", "order_id", quarantine))
            .withOutputTags(OrderRules.KeyBy.KEYED, TupleTagList.of(Quarantine.QUARANTINED)));

    PCollectionView<Map<String, Iterable<PriceVersion>>> prices = priceHistory(p, lake, days.end(day));
    TupleTag<GenericRecord> orderTag = new TupleTag<>("order") {};
    TupleTag<GenericRecord> lineTag = new TupleTag<>("line") {};
    PCollectionTuple joined = KeyedPCollectionTuple
        .of(orderTag, keyedOrders.get(OrderRules.KeyBy.KEYED).setCoder(KvCoder.of(StringUtf8Coder.of(), bronzeOrderCoder)))
        .and(lineTag, keyedLines.get(OrderRules.KeyBy.KEYED).setCoder(KvCoder.of(StringUtf8Coder.of(), bronzeLineCoder)))
        .apply("GroupByOrder", CoGroupByKey.create())
        .apply("JoinLines", ParDo.of(new OrderRules.JoinLines(orderTag, lineTag,
                new OrderRules.OrderCheck(day, days, runStarted), stores, paymentMethods, customers, prices, products, days,
                quarantine))
            .withSideInputs(stores, paymentMethods, customers, prices, products)
            .withOutputTags(OrderRules.ORDERS, TupleTagList.of(OrderRules.LINES).and(OrderRules.SUPERSEDED_ORDERS)
                .and(OrderRules.SUPERSEDED_LINES).and(Quarantine.QUARANTINED)));
    PCollection<GenericRecord> validOrders = joined.get(OrderRules.ORDERS).setCoder(orderCoder);
    PCollection<GenericRecord> validLines = joined.get(OrderRules.LINES)
        .setCoder(AvroCoder.of(GenericRecord.class, AvroSchemas.silver("order_lines")));
    PCollection<GenericRecord> quarantined = PCollectionList.of(keyedOrders.get(Quarantine.QUARANTINED).setCoder(quarantineCoder))
        .and(keyedLines.get(Quarantine.QUARANTINED).setCoder(quarantineCoder))
        .and(joined.get(Quarantine.QUARANTINED).setCoder(quarantineCoder))
        .apply("OrdersQuarantined", Flatten.pCollections());
    PCollection<String> counts = PCollectionList.of(DataQuality.rowsIn("orders", bronzeOrders))
        .and(DataQuality.rowsIn("order_lines", bronzeLines))
        .and(DataQuality.rowsValid("orders", validOrders))
        .and(DataQuality.rowsValid("order_lines", validLines))
        .and(DataQuality.rowsSuperseded("orders", joined.get(OrderRules.SUPERSEDED_ORDERS).setCoder(bronzeOrderCoder)))
        .and(DataQuality.rowsSuperseded("order_lines", joined.get(OrderRules.SUPERSEDED_LINES).setCoder(bronzeLineCoder)))
        .apply("OrderCounts", Flatten.pCollections());
    return new Result(validOrders, validLines, quarantined, counts);
  }

  /** The bronze partition of {@code day}; none when bronze holds no rows for that day. */
  private static PCollection<GenericRecord> readDay(Pipeline p, String lake, String table, LocalDate day) {
    String path = Lakehouse.bronze(lake, table);
    if (DeltaTables.latestVersion(path).isEmpty()) {
      throw new IllegalStateException("no bronze table at " + path + ": run BronzeIngest first");
    }
    return p.apply("ReadBronze_" + table, DeltaRead.latest(path, AvroSchemas.bronze(table)).onlyPartition(day.toString()));
  }

  /**
   * Every captured price of every product written before the day's end: product id → its versions, each
   * known in force until the latest instant a bronze run saw it so (its own read, or a later run's
   * observation of it unchanged).
   */
  private static PCollectionView<Map<String, Iterable<PriceVersion>>> priceHistory(Pipeline p, String lake,
      long nextDay) {
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
            if ((Boolean) r.get("_deleted") || at >= nextDay) {
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
