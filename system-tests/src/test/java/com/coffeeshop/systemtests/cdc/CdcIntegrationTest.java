package com.coffeeshop.systemtests.cdc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.systemtests.cdc.CdcStack.Event;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debezium in the real Kafka Connect worker against the real MariaDB: every committed order and line
 * reaches its topic as committed, keyed by order id; reference-table changes are captured; a Connect
 * restart under load loses nothing. Needs the stack from {@code devstack/kafka.sh up}.
 */
class CdcIntegrationTest {
  private static LandingZoneDatabase db;

  @BeforeAll
  static void prepare() throws Exception {
    db = CdcStack.preparedCapturedDatabase();
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  @Test
  void everyCommittedOrderAndLineArrivesAsCommittedKeyedByOrderId() throws Exception {
    try (KafkaConsumer<String, String> consumer = CdcStack.consumerAtEnd("cdc.orders", "cdc.order_details")) {
      LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
      db.cli("generate-orders", "--orders", "200", "--rate", "0", "--threads", "2", "--eligible-share", "0.1");
      Map<String, String> orders = committedOrders(start);
      Map<String, String> lines = committedLines(start);
      assertThat(orders.size(), is(200));

      Map<String, Event> orderEvents = new HashMap<>();
      Map<String, Event> lineEvents = new HashMap<>();
      collect(consumer, orders.keySet(), lines.keySet(), orderEvents, lineEvents, Duration.ofSeconds(60));

      for (Map.Entry<String, String> o : orders.entrySet()) {
        Event e = orderEvents.get(o.getKey());
        assertThat("insert event of order " + o.getKey(), e.op(), is("c"));
        assertThat(e.key(), is('"' + o.getKey() + '"'));
        assertThat(orderFingerprint(e.after()), is(o.getValue()));
      }
      for (Map.Entry<String, String> l : lines.entrySet()) {
        Event e = lineEvents.get(l.getKey());
        String orderId = e.after().path("order_id").asText();
        assertThat(e.op(), is("c"));
        assertThat("line keyed by its order id", e.key(), is('"' + orderId + '"'));
        assertThat("line on its order's partition", e.partition(), is(orderEvents.get(orderId).partition()));
        assertThat(lineFingerprint(e.after()), is(l.getValue()));
      }
      Set<Integer> partitions = new HashSet<>();
      orderEvents.values().forEach(e -> partitions.add(e.partition()));
      assertThat("orders spread over the partitions", partitions.size(), is(3));
    }
  }

  @Test
  void aPriceChangeProducesAnUpdateEventOnTheProductsTopic() throws Exception {
    long before = db.scalar("SELECT unit_price FROM products WHERE id = 'CF03'");
    try (KafkaConsumer<String, String> consumer = CdcStack.consumerAtEnd("cdc.products")) {
      admin("UPDATE products SET unit_price = unit_price + 1000 WHERE id = 'CF03'");
      try {
        Event update = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (update == null && System.nanoTime() < deadline) {
          for (Event e : CdcStack.poll(consumer, Duration.ofMillis(200))) {
            if ("u".equals(e.op()) && "CF03".equals(e.after().path("id").asText())) {
              update = e;
            }
          }
        }
        assertThat("an update event for CF03 arrived", update != null, is(true));
        assertThat(update.value().path("before").path("unit_price").asLong(), is(before));
        assertThat(update.after().path("unit_price").asLong(), is(before + 1000));
        assertThat("updated_at moved with the change",
            update.after().path("updated_at").asLong() > update.value().path("before").path("updated_at").asLong(),
            is(true));
      } finally {
        admin("UPDATE products SET unit_price = " + before + " WHERE id = 'CF03'");
      }
    }
  }

  @Test
  void aConnectRestartUnderLoadMissesNoCommittedOrder() throws Exception {
    try (KafkaConsumer<String, String> consumer = CdcStack.consumerAtEnd("cdc.orders")) {
      LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC);
      CompletableFuture<String> load = CompletableFuture.supplyAsync(() ->
          db.cli("generate-orders", "--orders", "1500", "--orders-per-second", "100"));
      Thread.sleep(3000);
      CdcStack.devstack("down", "--only", "connect");
      Thread.sleep(2000);
      CdcStack.devstack("up");
      load.get();
      Map<String, String> orders = committedOrders(start);
      assertThat(orders.size(), is(1500));

      Map<String, Event> seen = new HashMap<>();
      List<String> duplicates = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!seen.keySet().containsAll(orders.keySet()) && System.nanoTime() < deadline) {
        for (Event e : CdcStack.poll(consumer, Duration.ofMillis(200))) {
          if ("c".equals(e.op()) && seen.put(e.after().path("id").asText(), e) != null) {
            duplicates.add(e.after().path("id").asText());
          }
        }
      }
      List<String> missing = orders.keySet().stream().filter(id -> !seen.containsKey(id)).toList();
      System.out.printf("[cdc restart] %d orders committed, %d received, %d missing, %d duplicates (at-least-once)%n",
          orders.size(), seen.size(), missing.size(), duplicates.size());
      assertThat("committed orders missing after the restart", missing, is(empty()));
      assertThat(seen.size(), greaterThan(0));
    }
  }

  private static void collect(KafkaConsumer<String, String> consumer, Set<String> orderIds, Set<String> lineKeys,
      Map<String, Event> orderEvents, Map<String, Event> lineEvents, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((!orderEvents.keySet().containsAll(orderIds) || !lineEvents.keySet().containsAll(lineKeys))
        && System.nanoTime() < deadline) {
      for (Event e : CdcStack.poll(consumer, Duration.ofMillis(200))) {
        if (e.value() == null) {
          continue;
        }
        if (e.topic().equals("cdc.orders")) {
          orderEvents.putIfAbsent(e.after().path("id").asText(), e);
        } else {
          lineEvents.putIfAbsent(e.after().path("order_id").asText() + "/" + e.after().path("product_id").asText(), e);
        }
      }
    }
    assertThat("orders that never arrived",
        orderIds.stream().filter(id -> !orderEvents.containsKey(id)).toList(), is(empty()));
    assertThat("lines that never arrived",
        lineKeys.stream().filter(k -> !lineEvents.containsKey(k)).toList(), is(empty()));
  }

  /** id -> "store|payment|customer|epochMillis" of orders committed since {@code start}. */
  private static Map<String, String> committedOrders(LocalDateTime start) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String row : db.rows("SELECT id, store_id, payment_method_id, customer_id,"
        + " CAST(UNIX_TIMESTAMP(`timestamp`) * 1000 AS SIGNED) FROM orders WHERE `timestamp` >= '" + start + "'")) {
      String[] f = row.split("\\|");
      out.put(f[0], f[1] + "|" + f[2] + "|" + f[3] + "|" + f[4]);
    }
    return out;
  }

  /** "order/product" -> "quantity|discount|subtotal|is_suggestion" of lines of those orders. */
  private static Map<String, String> committedLines(LocalDateTime start) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String row : db.rows("SELECT d.order_id, d.product_id, d.quantity, d.discount_percent, d.subtotal,"
        + " d.is_suggestion FROM order_details d JOIN orders o ON o.id = d.order_id"
        + " WHERE o.`timestamp` >= '" + start + "'")) {
      String[] f = row.split("\\|");
      out.put(f[0] + "/" + f[1], f[2] + "|" + f[3] + "|" + f[4] + "|" + f[5]);
    }
    return out;
  }

  private static String orderFingerprint(JsonNode after) {
    return after.path("store_id").asText() + "|" + after.path("payment_method_id").asText() + "|"
        + after.path("customer_id").asText() + "|" + after.path("timestamp").asLong();
  }

  private static String lineFingerprint(JsonNode after) {
    return after.path("quantity").asText() + "|" + after.path("discount_percent").asText() + "|"
        + after.path("subtotal").asText() + "|" + after.path("is_suggestion").asText();
  }

  private static void admin(String sql) throws Exception {
    try (var c = db.admin(); var s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }
}
