package com.coffeeshop.systemtests.suggestion;

import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.SuggestionJob;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import static com.coffeeshop.systemtests.testing.KafkaTopics.commitEndOffsets;
import static com.coffeeshop.systemtests.testing.KafkaTopics.consumerFrom;
import static com.coffeeshop.systemtests.testing.KafkaTopics.endOffsets;
import static com.coffeeshop.systemtests.testing.KafkaTopics.producer;
import com.coffeeshop.systemtests.testing.KafkaTopics;
import com.coffeeshop.transforms.enrich.Product;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceData;
import com.coffeeshop.transforms.enrich.ReferenceStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The suggestion job end to end on the real stack (MariaDB, Debezium in Kafka Connect, Kafka, Redis)
 * on the runner named by {@code runner-configs/<beam.test.runnerConfig>.conf}: the generator writes
 * orders with a known eligible set; exactly the eligible orders get exactly one suggestion, in the
 * topic and in MySQL, never a product already ordered; bad events reach the dead-letter topic; a
 * customer who becomes diamond is treated as one within seconds, without a restart.
 */
@OnEveryRunner
class SuggestionEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOOTSTRAP = KafkaTopics.bootstrap();
  private static final int DISCOUNT = 25;
  private static LandingZoneDatabase db;
  private static SuggestionJob job;
  private static Map<TopicPartition, Long> suggestionsStart;
  private static Map<TopicPartition, Long> deadLettersStart;

  @BeforeAll
  static void startTheJob() throws Exception {
    db = LandingZoneDatabase.existing(env("COFFEE_DB_NAME", "coffeeshop"));
    db.cli("warm-cache", "--redis-port", env("COFFEE_REDIS_PORT", "6380"));
    String group = "it-suggestion-" + UUID.randomUUID();
    // The job's group starts where the topics end now, so it sees exactly what this test writes.
    commitEndOffsets(group, "cdc.orders", "cdc.customers", "cdc.products", "cdc.payment_methods");
    suggestionsStart = endOffsets("order_suggestion_accepted");
    deadLettersStart = endOffsets("order_suggestion_dlq");

    job = new SuggestionJob(db, group, "--discountPercent=" + DISCOUNT);
    job.start();
  }

  @AfterAll
  static void stopTheJob() throws Exception {
    if (job != null) {
      job.stop();
    }
  }

  @Test
  void exactlyTheEligibleOrdersGetExactlyOneSuggestionInMysqlAndKafka() throws Exception {
    LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
    db.cli("generate-orders", "--orders", "150", "--rate", "300", "--eligible-share", "0.2", "--seed",
        String.valueOf(System.nanoTime()));
    String window = "o.`timestamp` >= '" + start + "'";
    Set<String> eligible = new HashSet<>(db.rows("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id"
        + " JOIN payment_methods p ON p.id = o.payment_method_id WHERE " + window
        + " AND c.tier = 'diamond' AND p.method_name = 'Bank Transfer' AND p.bank = 'ACB'"));
    assertThat(eligible.size(), greaterThan(10));

    Map<String, JsonNode> published = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumerFrom(suggestionsStart)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (!published.keySet().containsAll(eligible) && System.nanoTime() < deadline) {
        assertJobAlive();
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          JsonNode s = JSON.readTree(r.value());
          assertThat("keyed by order id", r.key(), is(s.path("order_id").asText()));
          published.put(r.key(), s);
        }
      }
    }
    assertThat("eligible orders without a published suggestion",
        eligible.stream().filter(id -> !published.containsKey(id)).toList(), is(empty()));

    // MySQL: one is_suggestion line per eligible order, none for any other order of the window.
    List<String> suggested = db.rows("SELECT d.order_id FROM order_details d JOIN orders o ON o.id = d.order_id"
        + " WHERE " + window + " AND d.is_suggestion = 1");
    assertThat(suggested, containsInAnyOrder(eligible.toArray()));
    // Never a product already in the order, priced by the discount rule, and the same as published.
    for (String row : db.rows("SELECT d.order_id, d.product_id, d.quantity, d.discount_percent, d.subtotal,"
        + " p.unit_price, (SELECT COUNT(*) FROM order_details x WHERE x.order_id = d.order_id"
        + " AND x.product_id = d.product_id AND x.is_suggestion = 0)"
        + " FROM order_details d JOIN orders o ON o.id = d.order_id JOIN products p ON p.id = d.product_id"
        + " WHERE " + window + " AND d.is_suggestion = 1")) {
      String[] f = row.split("\\|");
      JsonNode s = published.get(f[0]);
      assertThat(row, f[6], is("0"));
      assertThat(row, s.path("product_id").asText(), is(f[1]));
      assertThat(row, Integer.parseInt(f[3]), is(DISCOUNT));
      assertThat(row, Long.parseLong(f[4]), is(Long.parseLong(f[5]) * Long.parseLong(f[2]) * (100 - DISCOUNT) / 100));
      assertThat(row, s.path("subtotal").asLong(), is(Long.parseLong(f[4])));
      assertThat(s.path("product_name").asText(), not(""));
      assertThat(s.path("suggested_at_ms").asLong() >= s.path("order_committed_at_ms").asLong(), is(true));
    }
    Set<String> publishedIds = new HashSet<>(published.keySet());
    publishedIds.retainAll(new HashSet<>(db.rows("SELECT id FROM orders o WHERE " + window)));
    assertThat("no suggestion published for an ineligible order", publishedIds, is(eligible));
  }

  @Test
  void aReplayedOrderEventRepeatsTheSameSuggestionAndAddsNoLine() throws Exception {
    LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
    db.cli("generate-orders", "--orders", "5", "--rate", "0", "--eligible-share", "1", "--seed",
        String.valueOf(System.nanoTime()));
    String orderId = db.rows("SELECT id FROM orders WHERE `timestamp` >= '" + start + "' LIMIT 1").get(0);
    String first = awaitSuggestion(orderId);
    // Replay the order's create event, as Kafka would after a crash before offsets were committed.
    String[] o = db.rows("SELECT id, CAST(UNIX_TIMESTAMP(`timestamp`) * 1000 AS SIGNED), store_id, payment_method_id,"
        + " customer_id FROM orders WHERE id = '" + orderId + "'").get(0).split("\\|");
    String event = "{\"before\":null,\"after\":{\"id\":\"" + o[0] + "\",\"timestamp\":" + o[1] + ",\"store_id\":" + o[2]
        + ",\"payment_method_id\":" + o[3] + ",\"customer_id\":" + o[4] + "},\"op\":\"c\"}";
    Map<TopicPartition, Long> from = endOffsets("order_suggestion_accepted");
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>("cdc.orders", '"' + orderId + '"', event)).get();
    }
    JsonNode republished = firstRecord(from, (key, value) -> orderId.equals(key));
    assertThat("the replay re-published the suggestion", republished != null, is(true));
    assertThat(republished.path("product_id").asText(), is(first));
    assertThat(db.scalar("SELECT COUNT(*) FROM order_details WHERE order_id = '" + orderId + "' AND is_suggestion = 1"),
        is(1L));
  }

  @Test
  void aBriefRedisOutageDelaysSuggestionsButLosesNone() throws Exception {
    int port = Integer.parseInt(env("COFFEE_REDIS_PORT", "6380"));
    Thread.sleep(600); // let the in-process cache expire, so lookups must reach Redis
    LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
    try (Jedis admin = new Jedis("127.0.0.1", port)) {
      // Every client's commands hang for 8 s: the job's Redis calls time out (2 s) and retry
      // (ReferenceStoreTest proves the retry itself); here no suggestion may be lost meanwhile.
      admin.clientPause(8000);
    }
    db.cli("generate-orders", "--orders", "20", "--rate", "0", "--eligible-share", "1", "--seed",
        String.valueOf(System.nanoTime()));
    List<String> orders = db.rows("SELECT id FROM orders WHERE `timestamp` >= '" + start + "'");
    assertThat(orders.size(), is(20));
    for (String id : orders) {
      awaitSuggestion(id);
    }
  }

  @Test
  void aSuggestionMysqlRefusesGoesToTheDeadLetterTopicAndLaterOrdersStillGetTheirs() throws Exception {
    // A product Redis knows and MySQL does not (a catalog drift), and an eligible order that already holds
    // every real product: the only candidate is the unknown one, and MySQL's foreign key refuses that line.
    ReferenceStore redis = redis();
    long now = System.currentTimeMillis();
    redis.putProduct(new Product("ZZ99", "Không có trong MySQL", 10000), now, ReferenceStore.Mode.CREATE);
    String orderId = UUID.randomUUID().toString();
    try {
      Thread.sleep(600); // the job's in-process catalog expires (--cacheTtlMillis=500)
      try (var c = db.admin(); var st = c.createStatement()) {
        c.setAutoCommit(false);
        String customer = db.rows("SELECT id FROM customers WHERE tier = 'diamond' LIMIT 1").get(0);
        String payment = db.rows("SELECT id FROM payment_methods WHERE method_name = 'Bank Transfer' AND bank = 'ACB'"
            + " LIMIT 1").get(0);
        st.executeUpdate("INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id) VALUES ('"
            + orderId + "', UTC_TIMESTAMP(3), (SELECT MIN(id) FROM stores), " + payment + ", " + customer + ")");
        st.executeUpdate("INSERT INTO order_details (order_id, product_id, quantity, subtotal)"
            + " SELECT '" + orderId + "', id, 1, unit_price FROM products");
        c.commit();
      }
      JsonNode dead = firstRecord(deadLettersStart, (key, value) -> orderId.equals(value.path("key").asText()));
      assertThat("the refused suggestion reached the dead-letter topic", dead != null, is(true));
      assertThat(dead.path("stage").asText(), is("RecordSuggestion"));
      assertThat(dead.path("reason").asText(), containsString("foreign key"));
      assertThat(dead.path("payload").asText(), containsString("ZZ99"));
    } finally {
      redis.delete(ReferenceStore.PRODUCT, "ZZ99", now + 1, ReferenceStore.Mode.CHANGE);
    }
    // The job did not stall on it: orders after it get their suggestions.
    Thread.sleep(600);
    LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
    db.cli("generate-orders", "--orders", "10", "--rate", "0", "--eligible-share", "1", "--seed",
        String.valueOf(System.nanoTime()));
    for (String id : db.rows("SELECT id FROM orders WHERE `timestamp` >= '" + start + "'")) {
      awaitSuggestion(id);
    }
    assertThat(db.scalar("SELECT COUNT(*) FROM order_details WHERE order_id = '" + orderId + "' AND is_suggestion = 1"),
        is(0L));
  }

  @Test
  void aCustomerDowngradedWhileTheCacheIsWarmedStaysDowngradedInRedis() throws Exception {
    ReferenceStore redis = redis();
    int customer = Integer.parseInt(db.rows("SELECT id FROM customers WHERE tier = 'diamond' ORDER BY id DESC LIMIT 1").get(0));
    try {
      // warm-cache, as WarmCacheCommand runs it, cut in two: its MySQL read happens before the downgrade …
      ReferenceData snapshot;
      try (var c = db.connect("coffee_batch", LandingZoneDatabase.requireEnv("COFFEE_BATCH_PASSWORD"))) {
        snapshot = ReferenceData.read(c);
      }
      assertThat(snapshot.tiers().get(customer).value(), is("diamond"));
      try (var c = db.admin(); var st = c.createStatement()) {
        st.executeUpdate("UPDATE customers SET tier = 'gold' WHERE id = " + customer);
      }
      // … the running job applies the downgrade from CDC …
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!"gold".equals(redis.tiers(List.of(customer)).get(customer)) && System.nanoTime() < deadline) {
        assertJobAlive();
        Thread.sleep(100);
      }
      assertThat(redis.tiers(List.of(customer)).get(customer), is("gold"));
      // … and then its write lands: it must not bring the old tier back.
      redis.merge(snapshot);
      assertThat(redis.tiers(List.of(customer)).get(customer), is("gold"));
      db.cli("warm-cache", "--redis-port", env("COFFEE_REDIS_PORT", "6380"));
      assertThat(redis.tiers(List.of(customer)).get(customer), is("gold"));
    } finally {
      try (var c = db.admin(); var st = c.createStatement()) {
        st.executeUpdate("UPDATE customers SET tier = 'diamond' WHERE id = " + customer);
      }
    }
  }

  private static String awaitSuggestion(String orderId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertJobAlive();
      List<String> rows = db.rows("SELECT product_id FROM order_details WHERE order_id = '" + orderId
          + "' AND is_suggestion = 1");
      if (!rows.isEmpty()) {
        return rows.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no suggestion for eligible order " + orderId);
  }

  @Test
  void badEventsGoToTheDeadLetterTopicWithPayloadAndReason() throws Exception {
    String notJson = "not json " + UUID.randomUUID();
    String unknownCustomer = "{\"before\":null,\"after\":{\"id\":\"" + UUID.randomUUID() + "\",\"timestamp\":"
        + System.currentTimeMillis() + ",\"store_id\":1,\"payment_method_id\":5,\"customer_id\":987654321},\"op\":\"c\"}";
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>("cdc.orders", "bad-1", notJson)).get();
      p.send(new ProducerRecord<>("cdc.orders", "bad-2", unknownCustomer)).get();
    }
    Map<String, JsonNode> byPayload = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumerFrom(deadLettersStart)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!(byPayload.containsKey(notJson) && byPayload.containsKey(unknownCustomer)) && System.nanoTime() < deadline) {
        assertJobAlive();
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          JsonNode d = JSON.readTree(r.value());
          byPayload.put(d.path("payload").asText(), d);
        }
      }
    }
    assertThat(byPayload.keySet(), hasItem(notJson));
    assertThat(byPayload.get(notJson).path("reason").asText().startsWith("not JSON"), is(true));
    assertThat(byPayload.get(notJson).path("stage").asText(), is("DecodeOrderEvents"));
    assertThat(byPayload.keySet(), hasItem(unknownCustomer));
    assertThat(byPayload.get(unknownCustomer).path("reason").asText(), is("unknown customer 987654321"));
  }

  @Test
  void aCustomerWhoBecomesDiamondIsTreatedAsOneWithinSecondsWithoutARestart() throws Exception {
    int customer = (int) db.scalar("SELECT MIN(id) FROM customers WHERE tier = 'regular'");
    try {
      try (var c = db.admin(); var s = c.createStatement()) {
        s.executeUpdate("UPDATE customers SET tier = 'diamond' WHERE id = " + customer);
      }
      long changed = System.nanoTime();
      String tier = null;
      try (Jedis redis = new Jedis("127.0.0.1", Integer.parseInt(env("COFFEE_REDIS_PORT", "6380")))) {
        while (!"diamond".equals(tier) && System.nanoTime() - changed < Duration.ofSeconds(60).toNanos()) {
          assertJobAlive();
          tier = redis.hget("coffee:customer_tier", String.valueOf(customer));
          Thread.sleep(100);
        }
      }
      assertThat("the job applied the CDC change to Redis", tier, is("diamond"));
      System.out.printf("[suggestion] tier change reached Redis in %d ms%n", (System.nanoTime() - changed) / 1_000_000);
      Thread.sleep(600); // the in-process cache TTL of this run
      String orderId = UUID.randomUUID().toString();
      try (var c = db.connect("coffee_app", LandingZoneDatabase.requireEnv("COFFEE_APP_PASSWORD"))) {
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
          s.executeUpdate("INSERT INTO orders (id, `timestamp`, store_id, payment_method_id, customer_id) VALUES ('"
              + orderId + "', UTC_TIMESTAMP(3), 1, (SELECT id FROM payment_methods WHERE bank = 'ACB'), " + customer + ")");
          s.executeUpdate("INSERT INTO order_details (order_id, product_id, quantity, subtotal) VALUES ('"
              + orderId + "', 'CF01', 1, 29000)");
        }
        c.commit();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      long suggestions = 0;
      while (suggestions == 0 && System.nanoTime() < deadline) {
        assertJobAlive();
        Thread.sleep(200);
        suggestions = db.scalar("SELECT COUNT(*) FROM order_details WHERE order_id = '" + orderId + "' AND is_suggestion = 1");
      }
      assertThat("the new diamond customer's order got its suggestion", suggestions, is(1L));
    } finally {
      try (var c = db.admin(); var s = c.createStatement()) {
        s.executeUpdate("UPDATE customers SET tier = 'regular' WHERE id = " + customer);
      }
    }
  }

  // ---- helpers ----

  /** The first record from {@code from} that matches, within 120 s (null if none came). */
  private static JsonNode firstRecord(Map<TopicPartition, Long> from, BiPredicate<String, JsonNode> matches)
      throws Exception {
    try (KafkaConsumer<String, String> c = consumerFrom(from)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        assertJobAlive();
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          JsonNode value = JSON.readTree(r.value());
          if (matches.test(r.key(), value)) {
            return value;
          }
        }
      }
    }
    return null;
  }

  /** The Redis reference store the job reads. */
  private static ReferenceStore redis() {
    return ReferenceStore.of(new RedisEndpoint("127.0.0.1", Integer.parseInt(env("COFFEE_REDIS_PORT", "6380"))));
  }

  private static void assertJobAlive() throws Exception {
    job.assertAlive();
  }


  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
