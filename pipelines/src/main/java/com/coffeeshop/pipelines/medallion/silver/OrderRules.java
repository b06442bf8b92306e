package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.pipelines.medallion.BusinessDay;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.Quarantine;
import com.coffeeshop.transforms.validate.Rejected;
import com.coffeeshop.transforms.validate.ValidateFn;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
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

  public static final TupleTag<GenericRecord> ORDERS = new TupleTag<>("orders") {};
  public static final TupleTag<GenericRecord> LINES = new TupleTag<>("lines") {};

  /** Row rules of an order; the output is its silver row. */
  static class ValidateOrder extends ValidateFn {
    private final int day;
    private final BusinessDay days;
    private final long runStarted;
    private final PCollectionView<Map<Integer, String>> stores;
    private final PCollectionView<Map<Integer, String>> paymentMethods;
    private final PCollectionView<Map<Integer, String>> customers;
    private transient Schema schema;

    ValidateOrder(LocalDate day, BusinessDay days, Instant runStarted, Quarantine q, PCollectionView<Map<Integer, String>> stores,
        PCollectionView<Map<Integer, String>> paymentMethods, PCollectionView<Map<Integer, String>> customers) {
      super("orders", q);
      this.day = (int) day.toEpochDay();
      this.days = days;
      this.runStarted = runStarted.toEpochMilli();
      this.stores = stores;
      this.paymentMethods = paymentMethods;
      this.customers = customers;
    }

    @Override
    protected GenericRecord check(GenericRecord row, ProcessContext c) throws Rejected {
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
      int store = known(row, "store_id", c.sideInput(stores), "unknown_store");
      int payment = known(row, "payment_method_id", c.sideInput(paymentMethods), "unknown_payment_method");
      int customer = known(row, "customer_id", c.sideInput(customers), "unknown_customer");
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

    @Override
    protected String keyOf(GenericRecord row) {
      return Clean.text(row.get("id"));
    }
  }

  /** Keys a bronze line by its order id; a line without one is quarantined ({@code null_key}). */
  static class KeyLines extends DoFn<GenericRecord, KV<String, GenericRecord>> {
    static final TupleTag<KV<String, GenericRecord>> KEYED = new TupleTag<>("keyed") {};
    private final Quarantine quarantine;

    KeyLines(Quarantine quarantine) {
      this.quarantine = quarantine;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      try {
        c.output(KV.of(Clean.key(c.element(), "order_id"), c.element()));
      } catch (Rejected why) {
        c.output(Quarantine.QUARANTINED, quarantine.of("order_lines", why, null, c.element()));
      }
    }
  }

  /**
   * One order id: its valid order(s) and its bronze lines. Emits the order on {@link #ORDERS}, the
   * valid lines, joined to the order and priced, on {@link #LINES}, and every rejected row on
   * {@link Quarantine#QUARANTINED}.
   */
  static class JoinLines extends DoFn<KV<String, CoGbkResult>, GenericRecord> {
    private final TupleTag<GenericRecord> orderTag;
    private final TupleTag<GenericRecord> lineTag;
    private final PCollectionView<Map<String, Iterable<PriceVersion>>> prices;
    private final PCollectionView<Map<String, String>> products;
    private final BusinessDay days;
    private final Quarantine quarantine;
    private transient Schema schema;

    JoinLines(TupleTag<GenericRecord> orderTag, TupleTag<GenericRecord> lineTag,
        PCollectionView<Map<String, Iterable<PriceVersion>>> prices, PCollectionView<Map<String, String>> products,
        BusinessDay days, Quarantine quarantine) {
      this.days = days;
      this.orderTag = orderTag;
      this.lineTag = lineTag;
      this.prices = prices;
      this.products = products;
      this.quarantine = quarantine;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      String orderId = c.element().getKey();
      CoGbkResult group = c.element().getValue();
      GenericRecord order = null;
      for (GenericRecord o : sorted(group.getAll(orderTag))) {
        if (order == null) {
          order = o;
          c.output(ORDERS, o);
        } else {
          c.output(Quarantine.QUARANTINED, quarantine.of("orders",
              new Rejected("duplicate_key", "order " + orderId + " appears more than once"), orderId, o));
        }
      }
      Set<String> seen = new HashSet<>();
      for (GenericRecord line : sorted(group.getAll(lineTag))) {
        String key = orderId + "|" + Clean.text(line.get("product_id"));
        try {
          if (order == null) {
            throw new Rejected("unknown_order", "order " + orderId + " is missing from the day's orders or was quarantined");
          }
          Priced priced = check(line, order, c.sideInput(prices), c.sideInput(products));
          GenericRecord valid = priced.line();
          if (!seen.add((String) valid.get("product_id"))) {
            throw new Rejected("duplicate_key", "order " + orderId + " has product " + valid.get("product_id") + " twice");
          }
          c.output(LINES, valid);
          if (priced.warning() != null) {
            c.output(Quarantine.QUARANTINED, quarantine.of("order_lines", priced.warning(), key, line));
          }
        } catch (Rejected why) {
          c.output(Quarantine.QUARANTINED, quarantine.of("order_lines", why, key, line));
        }
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

  private static List<GenericRecord> sorted(Iterable<GenericRecord> rows) {
    List<GenericRecord> list = new ArrayList<>();
    rows.forEach(list::add);
    list.sort(Comparator.comparing(Object::toString));
    return list;
  }
}
