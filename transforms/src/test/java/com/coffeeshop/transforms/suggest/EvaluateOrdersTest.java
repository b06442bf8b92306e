package com.coffeeshop.transforms.suggest;

import com.coffeeshop.transforms.testing.BeamTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
import com.coffeeshop.transforms.enrich.PaymentMethod;
import com.coffeeshop.transforms.enrich.Product;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceStore;
import com.coffeeshop.transforms.enrich.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rule check against reference data in a real Redis, one case per rule. */
class EvaluateOrdersTest {
  private static final RedisEndpoint REDIS = TestRedis.endpoint();
  private static final int DIAMOND = 1, GOLD = 2;
  private static final int ACB_TRANSFER = 5, VCB_TRANSFER = 6, CASH = 7;

  @BeforeAll
  static void referenceData() {
    TestRedis.load(ReferenceStore.of(REDIS), 1, Map.of(DIAMOND, "diamond", GOLD, "gold"),
        List.of(new PaymentMethod(ACB_TRANSFER, "Bank Transfer", "ACB"),
            new PaymentMethod(VCB_TRANSFER, "Bank Transfer", "Vietcombank"), new PaymentMethod(CASH, "Cash", null)),
        List.of(new Product("CF01", "Cà phê đen đá", 29000)));
  }

  private static OrderCreated order(String id, int customer, int method) {
    return new OrderCreated(id, customer, method, 1, 0L, "cdc.orders/0@" + id, "{\"id\":\"" + id + "\"}");
  }

  private static PCollectionTuple evaluate(Pipeline p, OrderCreated... orders) {
    return p.apply(Create.of(List.of(orders))).apply(new EvaluateOrders(REDIS, Duration.ofMillis(100), null));
  }

  @RegisterExtension final BeamTest beam = new BeamTest();

  private Pipeline pipeline() {
    return beam.pipeline();
  }

  @Test
  void passesOnlyTheOrderThatMeetsAllThreeRules() {
    Pipeline p = pipeline();
    PCollectionTuple out = evaluate(p,
        order("all-three", DIAMOND, ACB_TRANSFER),
        order("not-diamond", GOLD, ACB_TRANSFER),
        order("not-bank-transfer", DIAMOND, CASH),
        order("transfer-not-acb", DIAMOND, VCB_TRANSFER));
    PAssert.that(out.get(EvaluateOrders.ELIGIBLE)
            .apply(MapElements.into(TypeDescriptors.strings()).via(OrderCreated::orderId)))
        .containsInAnyOrder("all-three");
    PAssert.that(out.get(EvaluateOrders.DEAD_LETTERS)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void deadLettersUnknownCustomersAndPaymentMethodsWithTheOriginalPayload() {
    Pipeline p = pipeline();
    PCollectionTuple out = evaluate(p, order("ghost-customer", 404, ACB_TRANSFER), order("ghost-method", DIAMOND, 99));
    PAssert.that(out.get(EvaluateOrders.ELIGIBLE)).empty();
    PAssert.that(out.get(EvaluateOrders.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> d.reason() + " " + d.payload())))
        .containsInAnyOrder("unknown customer 404 {\"id\":\"ghost-customer\"}",
            "unknown payment method 99 {\"id\":\"ghost-method\"}");
    p.run().waitUntilFinish();
  }
}
