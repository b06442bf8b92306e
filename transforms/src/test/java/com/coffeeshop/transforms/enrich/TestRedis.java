package com.coffeeshop.transforms.enrich;

import com.coffeeshop.transforms.enrich.ReferenceData.Versioned;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The real Redis that devstack/services.sh starts; tests use logical database 15 to stay apart. */
public final class TestRedis {
  private TestRedis() {}

  public static RedisEndpoint endpoint() {
    String port = System.getenv("COFFEE_REDIS_PORT");
    if (port == null || port.isEmpty()) {
      throw new IllegalStateException("COFFEE_REDIS_PORT is not set: start Redis with devstack/services.sh up and"
          + " eval \"$(devstack/services.sh env)\", or use the README's test command");
    }
    return new RedisEndpoint(System.getenv().getOrDefault("COFFEE_REDIS_HOST", "127.0.0.1"), Integer.parseInt(port), 15);
  }

  /** Empties the store and loads exactly this reference data, every row at {@code version}. */
  public static void load(ReferenceStore store, long version, Map<Integer, String> tiers,
      Collection<PaymentMethod> methods, Collection<Product> products) {
    store.clear();
    store.merge(snapshot(version, version, tiers, methods, products));
  }

  /** A snapshot as {@link ReferenceData#read} returns it, every row at {@code version}. */
  public static ReferenceData snapshot(long notChangedSince, long version, Map<Integer, String> tiers,
      Collection<PaymentMethod> methods, Collection<Product> products) {
    Map<Integer, Versioned<String>> t = new HashMap<>();
    tiers.forEach((id, tier) -> t.put(id, new Versioned<>(tier, version)));
    Map<Integer, Versioned<PaymentMethod>> m = new HashMap<>();
    methods.forEach(pm -> m.put(pm.id(), new Versioned<>(pm, version)));
    Map<String, Versioned<Product>> p = new HashMap<>();
    products.forEach(pr -> p.put(pr.id(), new Versioned<>(pr, version)));
    return new ReferenceData(notChangedSince, t, m, p);
  }
}
