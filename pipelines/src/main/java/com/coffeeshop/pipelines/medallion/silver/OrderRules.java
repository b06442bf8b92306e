package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.WrittenFile;
import com.coffeeshop.transforms.validate.DataQuality;
import java.io.IOException;
import java.time.Instant;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.FileSplit;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The rules of a day's orders and order lines.
 *
 * <p>An order needs its id, a parsable time on the run's day and not in the future, and a known
 * store, payment method and customer (as of the day's snapshots). A line needs its keys, a positive
 * quantity, a discount within 0..100, a product of the day, a valid order (else {@code unknown_order})
 * and a subtotal that the product's price explains (see {@link Pricing}). A second order with the same
 * id, or a second line of an order for the same product, is a {@code duplicate_key}: the first, in a
 * fixed order, is kept.
 */
public final class OrderRules {
  private OrderRules() {}

  /** The silver orders' and lines' files JoinBucket wrote (large bundles), or their rows (small bundles). */
  public static final TupleTag<WrittenFile> ORDER_FILES = new TupleTag<>("order_files") {};
  public static final TupleTag<WrittenFile> LINE_FILES = new TupleTag<>("line_files") {};
  public static final TupleTag<KV<Integer, GenericRecord>> ORDER_ROWS = new TupleTag<>("order_rows") {};
  public static final TupleTag<KV<Integer, GenericRecord>> LINE_ROWS = new TupleTag<>("line_rows") {};
  /** Row rules of an order; the output is its silver row. */
  static class OrderCheck implements java.io.Serializable {
    private final int day;
    private final BusinessDay days;
    private final long runStarted;
    private transient Schema schema;

    OrderCheck(LocalDate day, BusinessDay days, Instant runStarted) {
      this.day = (int) day.toEpochDay();
      this.days = days;
      this.runStarted = runStarted.toEpochMilli();
    }

    GenericRecord silverOrder(GenericRecord row, Map<Integer, String> stores, Map<Integer, String> paymentMethods,
        Map<Integer, String> customers) throws Rejected {
      String id = Clean.key(row, "id");
      long ts = Clean.timestamp(row, "timestamp");
      if (ts > runStarted) {
        throw new Rejected("future_timestamp", "timestamp " + Instant.ofEpochMilli(ts) + " is after the run started");
      }
      LocalDate date = days.dateOf(ts);
      if (date.toEpochDay() != day) {
        throw new Rejected("wrong_day", "timestamp " + Instant.ofEpochMilli(ts) + " is on " + date + " in " + days.zone()
            + ", not on " + LocalDate.ofEpochDay(day));
      }
      int store = known(row, "store_id", stores, "unknown_store");
      int payment = known(row, "payment_method_id", paymentMethods, "unknown_payment_method");
      int customer = known(row, "customer_id", customers, "unknown_customer");
      if (schema == null) {
        schema = AvroSchemas.silver("orders");
      }
      GenericRecord out = new GenericData.Record(schema);
      out.put("order_date", day);
      out.put("order_id", id);
      out.put("order_ts", ts);
      out.put("store_id", store);
      out.put("payment_method_id", payment);
      out.put("customer_id", customer);
      return out;
    }

    private static int known(GenericRecord row, String column, Map<Integer, String> ids, String rule) throws Rejected {
      int id = Clean.integer(row, column);
      if (!ids.containsKey(id)) {
        throw new Rejected(rule, column + "=" + id + " is not in the day's snapshot");
      }
      return id;
    }
  }

  /** A row without its key is grouped under this id (no key is empty), and quarantined by {@link JoinBucket}. */
  static final String NO_KEY = "";

  /** The order id of a bronze order ({@code id}) or line ({@code order_id}), cleaned; {@link #NO_KEY} when it has none. */
  static String orderId(GenericRecord row, String column) {
    String id = Clean.text(row.get(column));
    return id == null ? NO_KEY : id;
  }

  /** The union tags of the join's input: a bronze order, a bronze line. */
  static final int ORDER = 0;
  static final int LINE = 1;

  /** What the join checks rows against and writes them to, whichever way the rows of an order id meet. */
  record JoinSpec(OrderCheck orderCheck,
      PCollectionView<Map<Integer, String>> stores, PCollectionView<Map<Integer, String>> paymentMethods,
      PCollectionView<Map<Integer, String>> customers, PCollectionView<Map<String, Iterable<PriceVersion>>> prices,
      PCollectionView<Map<String, String>> products, BusinessDay days, Quarantine quarantine, DeltaWrite ordersTable,
      DeltaWrite linesTable) implements java.io.Serializable {
    List<PCollectionView<?>> sideInputs() {
      return List.of(stores, paymentMethods, customers, prices, products);
    }
  }

  /**
   * The join of one bucket of order ids ({@link com.coffeeshop.pipelines.lakehouse.OrderBuckets}): reads the
   * bucket's bronze files of both tables itself (the element is the bucket and its splits, each with its read's
   * index, the union tag), so no row is shuffled. For each order id, the newest version of the order, and of each
   * of its lines (by MySQL's {@code changed_at}), is the one checked; older versions are counted as superseded;
   * two versions written at the same instant are a {@code duplicate_key}. Writes the valid order and lines
   * (joined to the order and priced) to their silver tables' files itself (see {@link DeltaWrite#newBundle}): on
   * Flink and Spark they never leave this step as elements, which would be encoded and decoded once per output.
   * Emits the files ({@link #ORDER_FILES}, {@link #LINE_FILES}) or a small bundle's rows ({@link #ORDER_ROWS},
   * {@link #LINE_ROWS}), the counts ({@link SilverTable#COUNTS}) and every rejected row and warning
   * ({@link Quarantine#QUARANTINED}).
   */
  static final class JoinBucket extends DoFn<KV<Integer, List<KV<Integer, FileSplit>>>, WrittenFile> {
    private final JoinSpec spec;
    private final List<DeltaRead> reads;
    private transient List<Schema> schemas;
    private transient Schema schema;
    private transient DeltaWrite.BundleFiles orders;
    private transient DeltaWrite.BundleFiles lines;
    private transient long supersededOrders;
    private transient long supersededLines;
    /** The side inputs, read once per instance: a bounded, globally windowed run's side inputs never change. */
    private transient Map<Integer, String> storeIds;
    private transient Map<Integer, String> paymentMethodIds;
    private transient Map<Integer, String> customerIds;
    private transient Map<String, Iterable<PriceVersion>> priceVersions;
    private transient Map<String, String> productIds;

    /** @param reads the bronze orders' and lines' reads, in union-tag order */
    JoinBucket(JoinSpec spec, List<DeltaRead> reads) {
      this.spec = spec;
      this.reads = List.copyOf(reads);
    }

    /** Passes every bronze row of the bucket to {@code row}, with its union tag ({@link #ORDER} or {@link #LINE}). */
    private void forEachRow(KV<Integer, List<KV<Integer, FileSplit>>> bucket, ObjIntConsumer<GenericRecord> row)
        throws IOException {
      if (schemas == null) {
        schemas = reads.stream().map(DeltaRead::recordSchema).toList();
      }
      for (KV<Integer, FileSplit> split : bucket.getValue()) {
        int tag = split.getKey();
        reads.get(tag).readSplit(split.getValue(), schemas.get(tag), r -> row.accept(r, tag));
      }
    }

    @StartBundle
    public void start() {
      orders = spec.ordersTable().newBundle();
      lines = spec.linesTable().newBundle();
      supersededOrders = 0;
      supersededLines = 0;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      if (storeIds == null) {
        storeIds = new HashMap<>(c.sideInput(spec.stores()));
        paymentMethodIds = new HashMap<>(c.sideInput(spec.paymentMethods()));
        customerIds = new HashMap<>(c.sideInput(spec.customers()));
        priceVersions = new HashMap<>(c.sideInput(spec.prices()));
        productIds = new HashMap<>(c.sideInput(spec.products()));
      }
      Map<String, List<GenericRecord>> ordersById = new HashMap<>();
      Map<String, List<GenericRecord>> linesById = new HashMap<>();
      forEachRow(c.element(), (r, tag) -> {
        if (tag == ORDER) {
          ordersById.computeIfAbsent(orderId(r, "id"), id -> new ArrayList<>(2)).add(r);
        } else {
          linesById.computeIfAbsent(orderId(r, "order_id"), id -> new ArrayList<>(2)).add(r);
        }
      });
      for (Map.Entry<String, List<GenericRecord>> id : ordersById.entrySet()) {
        join(c, id.getKey(), id.getValue(), linesById.getOrDefault(id.getKey(), List.of()));
      }
      for (Map.Entry<String, List<GenericRecord>> id : linesById.entrySet()) {
        if (!ordersById.containsKey(id.getKey())) {
          join(c, id.getKey(), List.of(), id.getValue());
        }
      }
    }

    /** One order id's bronze order versions and lines. */
    private void join(ProcessContext c, String orderId, List<GenericRecord> orderRows, List<GenericRecord> lineRows)
        throws IOException {
      if (NO_KEY.equals(orderId)) {
        for (GenericRecord o : orderRows) {
          c.output(Quarantine.QUARANTINED, spec.quarantine().of("orders", missingKey(o, "id"), null, o));
        }
        for (GenericRecord line : lineRows) {
          c.output(Quarantine.QUARANTINED, spec.quarantine().of("order_lines", missingKey(line, "order_id"), null, line));
        }
        return;
      }
      // The newest version decides: a tombstone (the order deleted, or moved to another day) retires the order and
      // every line written before it; older versions are superseded.
      GenericRecord order = null;
      long retiredAt = Long.MIN_VALUE;
      List<GenericRecord> versions = newestFirst(orderRows);
      for (int i = 0; i < versions.size(); i++) {
        GenericRecord o = versions.get(i);
        if (i == 0 && deleted(o)) {
          retiredAt = changedAt(o);
          supersededOrders++;
        } else if (i == 0) {
          try {
            order = spec.orderCheck().silverOrder(o, storeIds, paymentMethodIds, customerIds);
            orders.write(order);
          } catch (Rejected why) {
            c.output(Quarantine.QUARANTINED, spec.quarantine().of("orders", why, orderId, o));
          }
        } else if (!deleted(o) && !deleted(versions.get(0)) && changedAt(o) == changedAt(versions.get(0))) {
          c.output(Quarantine.QUARANTINED, spec.quarantine().of("orders",
              new Rejected("duplicate_key", "order " + orderId + " appears more than once"), orderId, o));
        } else {
          supersededOrders++;
        }
      }
      Map<String, List<GenericRecord>> byProduct = new java.util.TreeMap<>();
      lineRows.forEach(l -> byProduct.computeIfAbsent(String.valueOf(Clean.text(l.get("product_id"))),
          p -> new ArrayList<>(2)).add(l));
      for (Map.Entry<String, List<GenericRecord>> product : byProduct.entrySet()) {
        String key = orderId + "|" + product.getKey();
        List<GenericRecord> lineVersions = newestFirst(product.getValue());
        GenericRecord line = lineVersions.get(0);
        if (deleted(line) || changedAt(line) <= retiredAt) {
          supersededLines += lineVersions.size(); // the line deleted, or retired with its order
          continue;
        }
        for (GenericRecord older : lineVersions.subList(1, lineVersions.size())) {
          if (!deleted(older) && changedAt(older) == changedAt(line)) {
            c.output(Quarantine.QUARANTINED, spec.quarantine().of("order_lines", new Rejected("duplicate_key",
                "order " + orderId + " has product " + product.getKey() + " twice"), key, older));
          } else {
            supersededLines++;
          }
        }
        try {
          if (order == null) {
            throw new Rejected("unknown_order", "order " + orderId + " is missing from the day's orders or was quarantined");
          }
          Priced priced = check(line, order, priceVersions, productIds);
          lines.write(priced.line());
          if (priced.warning() != null) {
            c.output(Quarantine.QUARANTINED, spec.quarantine().of("order_lines", priced.warning(), key, line));
          }
        } catch (Rejected why) {
          c.output(Quarantine.QUARANTINED, spec.quarantine().of("order_lines", why, key, line));
        }
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      orders.finish(c, ORDER_FILES, ORDER_ROWS);
      lines.finish(c, LINE_FILES, LINE_ROWS);
      org.joda.time.Instant at = GlobalWindow.INSTANCE.maxTimestamp();
      for (KV<String, Long> count : List.of(DataQuality.valid("orders", orders.rows()),
          DataQuality.valid("order_lines", lines.rows()), DataQuality.superseded("orders", supersededOrders),
          DataQuality.superseded("order_lines", supersededLines))) {
        if (count.getValue() > 0) {
          c.output(SilverTable.COUNTS, count, at, GlobalWindow.INSTANCE);
        }
      }
    }

    private static Rejected missingKey(GenericRecord row, String column) {
      try {
        Clean.key(row, column);
        throw new IllegalStateException("row keyed as without " + column + " has one: " + row);
      } catch (Rejected why) {
        return why;
      }
    }
    private Priced check(GenericRecord line, GenericRecord order, Map<String, Iterable<PriceVersion>> prices,
        Map<String, String> productsOfTheDay) throws Rejected {
      String product = Clean.key(line, "product_id");
      int quantity = Clean.integer(line, "quantity");
      if (quantity <= 0) {
        throw new Rejected("non_positive_quantity", "quantity=" + quantity + " is not positive");
      }
      int discount = Clean.integer(line, "discount_percent");
      if (discount < 0 || discount > 100) {
        throw new Rejected("discount_out_of_range", "discount_percent=" + discount + " is not within 0..100");
      }
      int subtotal = Clean.integer(line, "subtotal");
      boolean suggestion = Clean.flag(line, "is_suggestion");
      Iterable<PriceVersion> versions = prices.get(product);
      if (versions == null || !productsOfTheDay.containsKey(product)) {
        throw new Rejected("unknown_product", "product_id=" + product + " is not a product on the order's day");
      }
      long orderTs = (Long) order.get("order_ts");
      LocalDate orderDate = LocalDate.ofEpochDay((Integer) order.get("order_date"));
      BusinessDay days = spec.days();
      Pricing pricing = Pricing.of(versions, orderTs, days.start(orderDate), days.end(orderDate), quantity, discount,
          subtotal);
      if (schema == null) {
        schema = AvroSchemas.silver("order_lines");
      }
      GenericRecord out = new GenericData.Record(schema);
      out.put("order_date", order.get("order_date"));
      out.put("order_id", order.get("order_id"));
      out.put("product_id", product);
      out.put("quantity", quantity);
      out.put("unit_price", pricing.unitPrice());
      out.put("discount_percent", discount);
      out.put("subtotal", pricing.subtotal());
      out.put("is_suggestion", suggestion);
      out.put("order_ts", orderTs);
      out.put("store_id", order.get("store_id"));
      out.put("payment_method_id", order.get("payment_method_id"));
      out.put("customer_id", order.get("customer_id"));
      return new Priced(out, pricing.warning());
    }
  }

  /** A valid line, and the warning it carries (null when none). */
  record Priced(GenericRecord line, Rejected warning) {}

  private static long changedAt(GenericRecord bronze) {
    return (Long) bronze.get("_changed_at");
  }

  /** Whether a bronze row is a tombstone: the key was deleted, or vanished from this day. */
  private static boolean deleted(GenericRecord bronze) {
    return Boolean.TRUE.equals(bronze.get("_deleted"));
  }

  /**
   * Newest change first; at equal times a version before a tombstone (a key deleted and written again in one
   * transaction lives), then a fixed order (Avro's order of the values, column by column).
   */
  private static List<GenericRecord> newestFirst(Iterable<GenericRecord> rows) {
    List<GenericRecord> list = new ArrayList<>();
    rows.forEach(list::add);
    if (list.size() > 1) {
      list.sort(Comparator.comparingLong(OrderRules::changedAt).reversed()
          .thenComparing(OrderRules::deleted)
          .thenComparing((a, b) -> GenericData.get().compare(a, b, a.getSchema())));
    }
    return list;
  }
}
