package com.coffeeshop.transforms.enrich;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis reference store against a real Redis, including a brief outage. */
class ReferenceStoreTest {
  private final RedisEndpoint redis = TestRedis.endpoint();
  private final ReferenceStore store = ReferenceStore.of(redis);

  @Test
  void replaceAllSwapsEveryHashAtOnce() {
    store.replaceAll(Map.of(1, "gold", 2, "diamond"), List.of(new PaymentMethod(5, "Bank Transfer", "ACB")),
        List.of(new Product("CF01", "Cà phê đen đá", 29000)));
    store.replaceAll(Map.of(3, "diamond"), List.of(new PaymentMethod(1, "Cash", null)),
        List.of(new Product("TE01", "Trà đào cam sả", 49000)));
    assertThat(store.tiers(List.of(1, 2, 3)), is(Map.of(3, "diamond")));
    assertThat(store.paymentMethods(), is(Map.of(1, new PaymentMethod(1, "Cash", null))));
    assertThat(store.products(), is(Map.of("TE01", new Product("TE01", "Trà đào cam sả", 49000))));
  }

  @Test
  void retriesThroughABriefOutageInsteadOfFailing() {
    store.replaceAll(Map.of(7, "diamond"), List.of(), List.of());
    try (Jedis admin = new Jedis(redis.host(), redis.port())) {
      admin.clientPause(3000); // commands hang 3 s; the store's socket timeout is 2 s
    }
    long started = System.nanoTime();
    Map<Integer, String> tiers = store.tiers(List.of(7));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(tiers, is(Map.of(7, "diamond")));
    // Longer than one timeout: the first attempt timed out and a retry got the answer.
    assertThat(tookMs, greaterThanOrEqualTo(2000L));
  }
}
