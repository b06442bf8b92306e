package com.coffeeshop.transforms.enrich;

import com.coffeeshop.transforms.cdc.EffectRetries;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
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
 * <p>Every entry has a version, the {@code changed_at} of its MySQL row (epoch ms), in a hash beside it
 * ({@code coffee:customer_tier:version}, …); writers only replace an older version, so the warm-up,
 * the read-through and the CDC follower can run at the same time and the newest row always wins.
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
    this.retry = Failsafe.with(EffectRetries.policy("Redis " + endpoint, endpoint.retryBudget(),
        e -> e instanceof JedisConnectionException, () -> { }));
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

  // ---- writes (cache warmer, CDC follower, read-through) ----

  /** How a write competes with what Redis already holds for the same id. */
  public enum Mode {
    /** A CDC update or delete: applied unless Redis holds a newer version. */
    CHANGE,
    /** A CDC insert: like CHANGE, and it also brings back an id that was deleted later (a re-insert). */
    CREATE,
    /** A row read from MySQL earlier (warm-up, read-through): applied only over an older version. */
    SNAPSHOT
  }

  /**
   * Writes or deletes one entry if its version wins (see {@link Mode}); deletes keep a tombstone
   * version so an older snapshot cannot bring the row back. Versions live in {@code <hash>:version}.
   */
  private static final String PUT_IF_NEWER = String.join("\n",
      "local cur = redis.call('HGET', KEYS[2], ARGV[1])",
      "if cur then",
      "  local deleted = string.sub(cur, 1, 2) == 'd:'",
      "  local v = tonumber(deleted and string.sub(cur, 3) or cur)",
      "  local new = tonumber(ARGV[3])",
      "  if ARGV[4] == 'SNAPSHOT' then if new <= v then return 0 end",
      "  elseif ARGV[4] == 'CREATE' then if (not deleted) and new < v then return 0 end",
      "  elseif new < v then return 0 end",
      "end",
      "if ARGV[2] == '' then",
      "  redis.call('HDEL', KEYS[1], ARGV[1])",
      "  redis.call('HSET', KEYS[2], ARGV[1], 'd:' .. ARGV[3])",
      "else",
      "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
      "  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])",
      "end",
      "return 1");

  /**
   * Set once all three hashes were loaded from MySQL. Absent after Redis restarted empty (or lost its
   * data): the job then loads everything again by itself ({@link ReferenceCache}).
   */
  public static final String LOADED = "coffee:reference_loaded";

  public boolean putCustomer(int id, String tier, long version, Mode mode) {
    return put(CUSTOMER_TIER, String.valueOf(id), tier, version, mode);
  }

  public boolean putPaymentMethod(PaymentMethod m, long version, Mode mode) {
    return put(PAYMENT_METHOD, String.valueOf(m.id()), toJson(m), version, mode);
  }

  public boolean putProduct(Product p, long version, Mode mode) {
    return put(PRODUCT, p.id(), toJson(p), version, mode);
  }

  public boolean delete(String hash, String id, long version, Mode mode) {
    return put(hash, id, "", version, mode);
  }

  private boolean put(String hash, String id, String value, long version, Mode mode) {
    Object applied = call(j -> j.eval(PUT_IF_NEWER, versioned(hash), scriptArgs(id, value, version, mode)));
    return Long.valueOf(1).equals(applied);
  }

  /**
   * Merges a MySQL snapshot into Redis: each row is written unless Redis already holds a newer
   * version of it (a change CDC applied after the snapshot was read), entries the snapshot no longer
   * has are deleted unless they changed since {@link ReferenceData#notChangedSinceMs()}, then {@link
   * #LOADED} is set. Safe to run while the job applies CDC changes. Returns the entries written.
   */
  public long merge(ReferenceData data) {
    Map<String, Collection<String>> present = Map.of(
        CUSTOMER_TIER, data.tiers().keySet().stream().map(String::valueOf).toList(),
        PAYMENT_METHOD, data.paymentMethods().keySet().stream().map(String::valueOf).toList(),
        PRODUCT, data.products().keySet());
    return call(j -> {
      Map<String, Set<String>> gone = new HashMap<>();
      present.forEach((hash, ids) -> {
        Set<String> g = new HashSet<>(j.hkeys(hash));
        ids.forEach(g::remove);
        gone.put(hash, g);
      });
      String sha = j.scriptLoad(PUT_IF_NEWER);
      List<Response<Object>> results = new ArrayList<>();
      Pipeline p = j.pipelined();
      Mode snapshot = Mode.SNAPSHOT;
      data.tiers().forEach((id, t) -> results.add(p.evalsha(sha, versioned(CUSTOMER_TIER),
          scriptArgs(String.valueOf(id), t.value(), t.version(), snapshot))));
      data.paymentMethods().forEach((id, m) -> results.add(p.evalsha(sha, versioned(PAYMENT_METHOD),
          scriptArgs(String.valueOf(id), toJson(m.value()), m.version(), snapshot))));
      data.products().forEach((id, pr) -> results.add(p.evalsha(sha, versioned(PRODUCT),
          scriptArgs(id, toJson(pr.value()), pr.version(), snapshot))));
      gone.forEach((hash, ids) -> ids.forEach(id -> results.add(p.evalsha(sha, versioned(hash),
          scriptArgs(id, "", data.notChangedSinceMs(), snapshot)))));
      p.set(LOADED, String.valueOf(System.currentTimeMillis()));
      p.sync();
      return results.stream().filter(r -> Long.valueOf(1).equals(r.get())).count();
    });
  }

  /** The keys of {@link #PUT_IF_NEWER}: the hash and its version hash. */
  private static List<String> versioned(String hash) {
    return List.of(hash, hash + ":version");
  }

  /** The arguments of {@link #PUT_IF_NEWER}; an empty value deletes. */
  private static List<String> scriptArgs(String id, String value, long version, Mode mode) {
    return List.of(id, value, String.valueOf(version), mode.name());
  }

  /** Whether a full load reached this Redis since it last started empty. */
  public boolean loaded() {
    return call(j -> j.exists(LOADED));
  }

  /** Deletes every key of the reference data (values, versions, the loaded mark). */
  public void clear() {
    call(j -> j.del(CUSTOMER_TIER, CUSTOMER_TIER + ":version", PAYMENT_METHOD, PAYMENT_METHOD + ":version",
        PRODUCT, PRODUCT + ":version", LOADED));
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
