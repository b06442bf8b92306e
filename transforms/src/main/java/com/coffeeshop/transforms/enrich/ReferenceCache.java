package com.coffeeshop.transforms.enrich;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The small in-process cache in front of {@link ReferenceStore}: per-customer tiers and the (small)
 * payment-method and product tables, each entry kept for at most {@code ttl}. A change written to
 * Redis is therefore seen by every worker within {@code ttl}, without a restart. One cache per
 * endpoint and TTL per JVM, shared by all DoFn instances.
 */
public final class ReferenceCache {
  private static final Map<String, ReferenceCache> CACHES = new ConcurrentHashMap<>();

  private final LoadingCache<Integer, Optional<String>> tiers;
  private final LoadingCache<String, Map<Integer, PaymentMethod>> paymentMethods;
  private final LoadingCache<String, Map<String, Product>> products;

  private ReferenceCache(RedisEndpoint endpoint, Duration ttl) {
    ReferenceStore store = ReferenceStore.of(endpoint);
    this.tiers = Caffeine.newBuilder()
        .maximumSize(200_000)
        .expireAfterWrite(ttl)
        .build(id -> Optional.ofNullable(store.tiers(java.util.List.of(id)).get(id)));
    this.paymentMethods = Caffeine.newBuilder().expireAfterWrite(ttl).build(k -> store.paymentMethods());
    this.products = Caffeine.newBuilder().expireAfterWrite(ttl).build(k -> store.products());
  }

  public static ReferenceCache of(RedisEndpoint endpoint, Duration ttl) {
    return CACHES.computeIfAbsent(endpoint + "/" + ttl.toMillis(), k -> new ReferenceCache(endpoint, ttl));
  }

  /** The customer's tier, or empty for an unknown customer. */
  public Optional<String> tier(int customerId) {
    return tiers.get(customerId);
  }

  public Optional<PaymentMethod> paymentMethod(int id) {
    return Optional.ofNullable(paymentMethods.get("all").get(id));
  }

  public Map<String, Product> products() {
    return products.get("all");
  }
}
