package com.coffeeshop.transforms.suggest;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
import com.coffeeshop.transforms.enrich.PaymentMethod;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceCache;
import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import java.time.Duration;
import java.util.Optional;
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
 * Checks each new order against {@link SuggestionRules}, with the customer's tier and the payment
 * method from the Redis reference data (through the in-process {@link ReferenceCache}, which falls
 * back to MySQL when Redis is empty or lacks the customer). Works on the order event alone, so it
 * needs no state: about 99.9 % of orders stop here. An order whose customer or payment method is
 * unknown to MySQL too is a dead letter, not silently ineligible.
 */
public class EvaluateOrders extends PTransform<PCollection<OrderCreated>, PCollectionTuple> {
  /** Orders that qualify for a suggestion. */
  public static final TupleTag<OrderCreated> ELIGIBLE = new TupleTag<>() {};

  /** Orders referring to a customer or payment method the reference data does not know. */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final RedisEndpoint redis;
  private final Duration cacheTtl;
  private final JdbcEndpoint db;

  /**
   * @param db the landing zone, read when Redis is empty or lacks a customer (see {@link ReferenceCache});
   *     null to trust Redis alone
   */
  public EvaluateOrders(RedisEndpoint redis, Duration cacheTtl, JdbcEndpoint db) {
    this.redis = redis;
    this.cacheTtl = cacheTtl;
    this.db = db;
  }

  @Override
  public PCollectionTuple expand(PCollection<OrderCreated> orders) {
    return orders.apply("CheckRules",
        ParDo.of(new EvaluateFn(redis, cacheTtl, db)).withOutputTags(ELIGIBLE, TupleTagList.of(DEAD_LETTERS)));
  }

  static class EvaluateFn extends DoFn<OrderCreated, OrderCreated> {
    private final Counter eligible = Metrics.counter("suggestion", "eligible");
    private final Counter notEligible = Metrics.counter("suggestion", "not_eligible");
    private final Counter dead = Metrics.counter("suggestion", "dead_lettered");
    private final RedisEndpoint redis;
    private final Duration cacheTtl;
    private final JdbcEndpoint db;
    private transient ReferenceCache cache;

    EvaluateFn(RedisEndpoint redis, Duration cacheTtl, JdbcEndpoint db) {
      this.redis = redis;
      this.cacheTtl = cacheTtl;
      this.db = db;
    }

    @Setup
    public void setup() {
      cache = ReferenceCache.of(redis, cacheTtl, db == null ? null : db.requirePassword());
    }

    @ProcessElement
    public void process(@Element OrderCreated order, MultiOutputReceiver out) {
      Optional<String> tier = cache.tier(order.customerId());
      Optional<PaymentMethod> method = cache.paymentMethod(order.paymentMethodId());
      String problem = tier.isEmpty() ? "unknown customer " + order.customerId()
          : method.isEmpty() ? "unknown payment method " + order.paymentMethodId() : null;
      if (problem != null) {
        dead.inc();
        out.get(DEAD_LETTERS).output(new DeadLetter(order.source(), order.orderId(), order.payload(),
            "EvaluateOrders", problem, System.currentTimeMillis()));
      } else if (SuggestionRules.isEligible(tier.get(), method.get())) {
        eligible.inc();
        out.get(ELIGIBLE).output(order);
      } else {
        notEligible.inc();
      }
    }
  }
}
