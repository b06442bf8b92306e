package com.coffeeshop.transforms.suggest;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
import com.coffeeshop.schemas.events.SuggestionAccepted;
import com.coffeeshop.transforms.enrich.Product;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceCache;
import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import com.coffeeshop.transforms.jdbc.JdbcSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Proposes one product for each eligible order, never one the order already contains. The order's
 * lines are read with a single primary-key lookup in MySQL: they were committed in the same
 * transaction as the order, before its CDC event existed, so all of them are visible now — no
 * waiting, no state, which keeps the job runnable on Spark's streaming runner. The product comes from
 * the pluggable {@link PickStrategy}; the price and discount from the catalog and {@link DiscountRule}.
 */
public class SuggestProduct extends PTransform<PCollection<OrderCreated>, PCollectionTuple> {
  /** Proposed suggestions, not yet recorded. */
  public static final TupleTag<SuggestionAccepted> PROPOSED = new TupleTag<>() {};

  /** Orders without lines, with a product unknown to the catalog, or with nothing left to suggest. */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final JdbcEndpoint db;
  private final RedisEndpoint redis;
  private final Duration cacheTtl;
  private final PickStrategy strategy;
  private final DiscountRule discount;

  public SuggestProduct(JdbcEndpoint db, RedisEndpoint redis, Duration cacheTtl, PickStrategy strategy,
      DiscountRule discount) {
    this.db = db;
    this.redis = redis;
    this.cacheTtl = cacheTtl;
    this.strategy = strategy;
    this.discount = discount;
  }

  @Override
  public PCollectionTuple expand(PCollection<OrderCreated> eligible) {
    return eligible.apply("PickProduct",
        ParDo.of(new SuggestFn(this)).withOutputTags(PROPOSED, TupleTagList.of(DEAD_LETTERS)));
  }

  static class SuggestFn extends DoFn<OrderCreated, SuggestionAccepted> {
    private final Counter dead = Metrics.counter("suggestion", "dead_lettered");
    private final SuggestProduct spec;
    private transient JdbcSession session;
    private transient ReferenceCache cache;

    SuggestFn(SuggestProduct spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      // On a cluster this runs on the worker: a password missing there fails here, naming the variable.
      session = new JdbcSession(spec.db.requirePassword());
      cache = ReferenceCache.of(spec.redis, spec.cacheTtl, spec.db);
    }

    @Teardown
    public void teardown() {
      if (session != null) {
        session.close();
      }
    }

    @ProcessElement
    public void process(@Element OrderCreated order, MultiOutputReceiver out) throws SQLException {
      Lines lines = lines(order.orderId());
      Set<String> ordered = lines.ordered;
      Map<String, Product> catalog = cache.products();
      if (lines.existingSuggestion != null && catalog.containsKey(lines.existingSuggestion)) {
        // A replay: re-emit the suggestion already made, whatever the strategy would pick today.
        Product p = catalog.get(lines.existingSuggestion);
        out.get(PROPOSED).output(new SuggestionAccepted(order.orderId(), p.id(), p.name(), lines.quantity,
            p.unitPrice(), lines.discountPercent, lines.subtotal, order.orderTimestampMillis(),
            System.currentTimeMillis()));
        return;
      }
      String problem = null;
      Optional<Product> pick = Optional.empty();
      List<String> unknown = ordered.stream().filter(p -> !catalog.containsKey(p)).toList();
      if (ordered.isEmpty()) {
        problem = "order has no lines in order_details";
      } else if (!unknown.isEmpty()) {
        problem = "unknown product " + String.join(", ", unknown);
      } else {
        List<Product> candidates = new ArrayList<>(catalog.values());
        candidates.removeIf(p -> ordered.contains(p.id()));
        pick = spec.strategy.pick(order.orderId(), candidates);
        if (pick.isEmpty()) {
          problem = "every product is already in the order";
        }
      }
      if (problem != null) {
        dead.inc();
        out.get(DEAD_LETTERS).output(new DeadLetter(order.source(), order.orderId(), order.payload(),
            "SuggestProduct", problem, System.currentTimeMillis()));
        return;
      }
      Product p = pick.get();
      out.get(PROPOSED).output(new SuggestionAccepted(order.orderId(), p.id(), p.name(),
          spec.discount.quantity(), p.unitPrice(), spec.discount.percent(), spec.discount.subtotal(p.unitPrice()),
          order.orderTimestampMillis(), System.currentTimeMillis()));
    }

    /** The order's lines: what the customer ordered, and the suggestion if an earlier run made one. */
    private static final class Lines {
      final Set<String> ordered = new HashSet<>();
      String existingSuggestion;
      int quantity;
      int discountPercent;
      int subtotal;
    }

    private Lines lines(String orderId) throws SQLException {
      return session.run(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT product_id, is_suggestion, quantity, discount_percent, subtotal FROM order_details"
                + " WHERE order_id = ?")) {
          ps.setString(1, orderId);
          Lines lines = new Lines();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (rs.getBoolean(2)) {
                lines.existingSuggestion = rs.getString(1);
                lines.quantity = rs.getInt(3);
                lines.discountPercent = rs.getInt(4);
                lines.subtotal = rs.getInt(5);
              } else {
                lines.ordered.add(rs.getString(1));
              }
            }
          }
          return lines;
        }
      });
    }
  }
}
