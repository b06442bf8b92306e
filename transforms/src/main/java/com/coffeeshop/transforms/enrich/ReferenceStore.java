package com.coffeeshop.transforms.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The reference data in Redis, as the seed's caching strategy lays it out: three hashes keyed by id,
 * so every lookup is O(1) (HGET/HMGET) and nothing ever scans keys.
 *
 * <ul>
 *   <li>{@code coffee:customer_tier}: customer id → tier (the diamond customers are those whose tier is
 *       {@code diamond}; an id that is absent is an unknown customer);
 *   <li>{@code coffee:payment_method}: payment method id → {@code {"method_name","bank"}};
 *   <li>{@code coffee:product}: product id → {@code {"name","unit_price"}}.
 * </ul>
 *
 * <p>Calls retry with exponential backoff (0.1 s to 5 s, for up to a minute) while Redis is
 * unreachable, then fail, so a runner retries the bundle instead of losing it. One pool per endpoint
 * per JVM.
 */
public final class ReferenceStore {
  public static final String CUSTOMER_TIER = "coffee:customer_tier";
  public static final String PAYMENT_METHOD = "coffee:payment_method";
  public static final String PRODUCT = "coffee:product";

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<RedisEndpoint, ReferenceStore> STORES = new ConcurrentHashMap<>();

  private final RedisEndpoint endpoint;
  private final JedisPool pool;
  private final FailsafeExecutor<Object> retry;

  private ReferenceStore(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(16);
    this.pool = new JedisPool(config, endpoint.host(), endpoint.port(), 2000, null, endpoint.database());
    this.retry = Failsafe.with(
        RetryPolicy.builder()
            .handle(JedisConnectionException.class)
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
            .withMaxDuration(Duration.ofSeconds(60))
            .withMaxRetries(-1)
            .onRetry(e -> LOG.warn("Redis {} unavailable (attempt {}), retrying: {}", endpoint,
                e.getAttemptCount(), e.getLastException().getMessage()))
            .build());
  }

  /** The shared store of this JVM for {@code endpoint}. */
  public static ReferenceStore of(RedisEndpoint endpoint) {
    return STORES.computeIfAbsent(endpoint, ReferenceStore::new);
  }

  private <T> T call(Function<Jedis, T> work) {
    return retry.get(() -> {
      try (Jedis jedis = pool.getResource()) {
        return work.apply(jedis);
      }
    });
  }

  // ---- reads ----

  /** Tiers of the given customers; absent ids are unknown customers. One round trip. */
  public Map<Integer, String> tiers(Collection<Integer> ids) {
    List<Integer> list = new ArrayList<>(ids);
    List<String> values = call(j -> j.hmget(CUSTOMER_TIER, list.stream().map(String::valueOf).toArray(String[]::new)));
    Map<Integer, String> out = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (values.get(i) != null) {
        out.put(list.get(i), values.get(i));
      }
    }
    return out;
  }

  /** Every payment method (a handful). */
  public Map<Integer, PaymentMethod> paymentMethods() {
    Map<String, String> raw = call(j -> j.hgetAll(PAYMENT_METHOD));
    Map<Integer, PaymentMethod> out = new HashMap<>();
    raw.forEach((id, json) -> out.put(Integer.parseInt(id), parsePaymentMethod(Integer.parseInt(id), json)));
    return out;
  }

  /** The whole catalog (tens of products). */
  public Map<String, Product> products() {
    Map<String, String> raw = call(j -> j.hgetAll(PRODUCT));
    Map<String, Product> out = new HashMap<>();
    raw.forEach((id, json) -> out.put(id, parseProduct(id, json)));
    return out;
  }

  // ---- writes (cache warmer and CDC follower) ----

  public void putCustomer(int id, String tier) {
    call(j -> j.hset(CUSTOMER_TIER, String.valueOf(id), tier));
  }

  public void putPaymentMethod(PaymentMethod m) {
    call(j -> j.hset(PAYMENT_METHOD, String.valueOf(m.id()), toJson(m)));
  }

  public void putProduct(Product p) {
    call(j -> j.hset(PRODUCT, p.id(), toJson(p)));
  }

  public void delete(String hash, String id) {
    call(j -> j.hdel(hash, id));
  }

  /**
   * Replaces all three hashes at once: written under temporary names, then renamed in one MULTI, so a
   * reader sees either the old or the new reference data, never a half-written mix.
   */
  public void replaceAll(Map<Integer, String> tiers, Collection<PaymentMethod> methods, Collection<Product> products) {
    call(j -> {
      String suffix = ":loading";
      j.del(CUSTOMER_TIER + suffix, PAYMENT_METHOD + suffix, PRODUCT + suffix);
      Map<String, String> batch = new HashMap<>();
      for (Map.Entry<Integer, String> e : tiers.entrySet()) {
        batch.put(String.valueOf(e.getKey()), e.getValue());
        if (batch.size() == 5000) {
          j.hset(CUSTOMER_TIER + suffix, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        j.hset(CUSTOMER_TIER + suffix, batch);
      }
      Map<String, String> m = new HashMap<>();
      methods.forEach(pm -> m.put(String.valueOf(pm.id()), toJson(pm)));
      Map<String, String> p = new HashMap<>();
      products.forEach(pr -> p.put(pr.id(), toJson(pr)));
      if (!m.isEmpty()) {
        j.hset(PAYMENT_METHOD + suffix, m);
      }
      if (!p.isEmpty()) {
        j.hset(PRODUCT + suffix, p);
      }
      Transaction t = j.multi();
      for (String key : List.of(CUSTOMER_TIER, PAYMENT_METHOD, PRODUCT)) {
        t.del(key);
      }
      if (!tiers.isEmpty()) t.rename(CUSTOMER_TIER + suffix, CUSTOMER_TIER);
      if (!m.isEmpty()) t.rename(PAYMENT_METHOD + suffix, PAYMENT_METHOD);
      if (!p.isEmpty()) t.rename(PRODUCT + suffix, PRODUCT);
      t.exec();
      return null;
    });
  }

  public long size(String hash) {
    return call(j -> j.hlen(hash));
  }

  // ---- encoding ----

  static String toJson(PaymentMethod m) {
    ObjectNode n = JSON.createObjectNode().put("method_name", m.methodName());
    n.put("bank", m.bank());
    return n.toString();
  }

  static String toJson(Product p) {
    return JSON.createObjectNode().put("name", p.name()).put("unit_price", p.unitPrice()).toString();
  }

  static PaymentMethod parsePaymentMethod(int id, String json) {
    JsonNode n = read(json);
    return new PaymentMethod(id, n.path("method_name").asText(), n.path("bank").isNull() ? null : n.path("bank").asText(null));
  }

  static Product parseProduct(String id, String json) {
    JsonNode n = read(json);
    return new Product(id, n.path("name").asText(), n.path("unit_price").asInt());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException("unreadable reference entry in Redis: " + json, e);
    }
  }
}
