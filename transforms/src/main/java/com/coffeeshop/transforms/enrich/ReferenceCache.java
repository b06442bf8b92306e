package com.coffeeshop.transforms.enrich;

import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import com.coffeeshop.transforms.jdbc.JdbcSession;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small in-process cache in front of {@link ReferenceStore}: per-customer tiers and the (small)
 * payment-method and product tables, each entry kept for at most {@code ttl}. A change written to
 * Redis is therefore seen by every worker within {@code ttl}, without a restart. One cache per
 * endpoint and TTL per JVM, shared by all DoFn instances.
 *
 * <p>With a MySQL endpoint it never goes silently stale or empty: when Redis lacks the {@link
 * ReferenceStore#LOADED} mark (it restarted empty, or was never warmed) the cache loads the three
 * tables from MySQL into Redis itself, and a customer Redis does not know is looked up in MySQL (and
 * written to Redis) before the order is called unknown. Both writes are versioned, so they never
 * overwrite a newer change from CDC.
 */
public final class ReferenceCache {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceCache.class);
  private static final Map<String, ReferenceCache> CACHES = new ConcurrentHashMap<>();

  private final ReferenceStore store;
  private final JdbcSession mysql;
  private final LoadingCache<Integer, Optional<String>> tiers;
  private final LoadingCache<String, Map<Integer, PaymentMethod>> paymentMethods;
  private final LoadingCache<String, Map<String, Product>> products;

  private ReferenceCache(RedisEndpoint endpoint, Duration ttl, JdbcEndpoint db) {
    this.store = ReferenceStore.of(endpoint);
    this.mysql = db == null ? null : new JdbcSession(db);
    this.tiers = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(ttl).build(this::loadTier);
    this.paymentMethods = Caffeine.newBuilder().expireAfterWrite(ttl).build(k -> {
      ensureLoaded();
      return store.paymentMethods();
    });
    this.products = Caffeine.newBuilder().expireAfterWrite(ttl).build(k -> {
      ensureLoaded();
      return store.products();
    });
  }

  /**
   * The shared cache of this JVM.
   *
   * @param db where to load from when Redis is empty or lacks a customer; null for Redis alone
   */
  public static ReferenceCache of(RedisEndpoint endpoint, Duration ttl, JdbcEndpoint db) {
    return CACHES.computeIfAbsent(endpoint + "/" + ttl.toMillis() + "/" + db, k -> new ReferenceCache(endpoint, ttl, db));
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

  private Optional<String> loadTier(int id) throws SQLException {
    Optional<String> tier = Optional.ofNullable(store.tiers(List.of(id)).get(id));
    if (tier.isPresent() || mysql == null) {
      return tier;
    }
    Optional<ReferenceData.Versioned<String>> row;
    synchronized (mysql) {
      row = mysql.run(c -> ReferenceData.customer(c, id));
    }
    row.ifPresent(r -> store.putCustomer(id, r.value(), r.version(), ReferenceStore.Mode.SNAPSHOT));
    return row.map(ReferenceData.Versioned::value);
  }

  /** Loads MySQL into Redis when Redis has lost (or never had) the full load. */
  private void ensureLoaded() throws SQLException {
    if (mysql == null || store.loaded()) {
      return;
    }
    synchronized (mysql) {
      if (store.loaded()) {
        return;
      }
      long started = System.nanoTime();
      long written = store.merge(mysql.run(ReferenceData::read));
      LOG.warn("Redis had no reference data (restarted empty?): loaded it from MySQL, {} entries written in {} ms",
          written, (System.nanoTime() - started) / 1_000_000);
    }
  }
}
