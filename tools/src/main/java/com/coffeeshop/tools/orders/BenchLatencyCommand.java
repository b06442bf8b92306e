package com.coffeeshop.tools.orders;

import com.coffeeshop.schemas.events.Topics;
import com.coffeeshop.tools.DbConnectionOptions;
import com.coffeeshop.tools.KafkaOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures commit → record latency on a topic: the generator inserts orders at a fixed rate and notes
 * the moment each commit returns; a consumer of the topic notes when each order's record arrives.
 * Both clocks are this JVM's {@link System#nanoTime()}, so no clock skew enters the figures.
 *
 * <ul>
 *   <li>{@code --topic cdc.orders} (default): commit → Debezium change event (the CDC stack alone);
 *   <li>{@code --topic order_suggestion_accepted --eligible-share 1}: commit → published suggestion
 *       (the whole real-time chain; the suggestion job must be running).
 * </ul>
 */
@Command(
    name = "bench-latency",
    mixinStandardHelpOptions = true,
    description = {
      "Measure order commit -> record latency: on cdc.orders (Debezium) or on order_suggestion_accepted"
          + " (the whole suggestion chain, with the job running).",
      "Only orders that produce a record count: for suggestions, use --eligible-share."
    })
public class BenchLatencyCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", defaultValue = Topics.CDC_ORDERS,
      description = "Topic to time: cdc.orders or order_suggestion_accepted (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--eligible-share", description = "Share of orders eligible for a suggestion (default: natural mix).")
  Double eligibleShare;

  @Option(names = "--threads", defaultValue = "1", description = "Generator connections (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--settle-seconds", defaultValue = "60",
      description = "How long to wait for the last records after the generator stops (default: ${DEFAULT-VALUE}).")
  int settleSeconds;

  @Option(names = "--orders", defaultValue = "1000", description = "Orders generated per rate (default: ${DEFAULT-VALUE}).")
  int orders;

  @Option(names = "--rates", split = ",", defaultValue = "17,170",
      description = "Order-line rates to measure, lines/s; 0 = unthrottled (default: ${DEFAULT-VALUE}: the seed's and 10x).")
  List<Double> rates;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_app", "COFFEE_APP_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    ReferenceSnapshot ref = ReferenceSnapshot.read(db);
    out.printf("machine: %d cores, Java %s; generator, MariaDB, Kafka, Connect (and the job) all on this machine;"
        + " timing %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), topic);
    for (double rate : rates) {
      Measured m = measure(ref, rate);
      double[] ms = m.latenciesMs;
      Arrays.sort(ms);
      out.printf("rate %7.1f lines/s target, %7.1f orders/s achieved: %d records  p50 %6.1f ms  p90 %6.1f ms"
              + "  p99 %6.1f ms  max %7.1f ms%n",
          rate, m.stats.ordersPerSecond(), ms.length, TopicTail.percentile(ms, 50), TopicTail.percentile(ms, 90), TopicTail.percentile(ms, 99), ms[ms.length - 1]);
      out.flush();
    }
    return 0;
  }

  private record Measured(double[] latenciesMs, OrderGenerator.Stats stats) {}

  private Measured measure(ReferenceSnapshot ref, double rate) throws Exception {
    Map<String, Long> committed = new ConcurrentHashMap<>();
    Set<String> eligible = ConcurrentHashMap.newKeySet();
    Map<String, Long> received = new ConcurrentHashMap<>();
    ObjectMapper json = new ObjectMapper();
    OrderGenerator.Stats stats;
    try (KafkaConsumer<String, String> consumer = TopicTail.atEnd(kafka.bootstrap(), topic)) {
      OrderGenerator.Settings settings = new OrderGenerator.Settings(
          rate, orders, null, System.nanoTime(), eligibleShare, threads, Duration.ofHours(1));
      OrderGenerator generator = new OrderGenerator(ref, settings, db::connect, new PrintWriter(new StringWriter()))
          .onCommit((id, customer, t, isEligible) -> {
            committed.put(id, t);
            if (isEligible) {
              eligible.add(id);
            }
          });
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<OrderGenerator.Stats> run = pool.submit(generator::run);
      long deadline = Long.MAX_VALUE;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(5))) {
          long now = System.nanoTime();
          if (r.value() == null) {
            continue;
          }
          JsonNode record = json.readTree(r.value());
          if (record.has("op")) { // a Debezium event: time the insert of the order
            if ("c".equals(record.path("op").asText())) {
              received.putIfAbsent(record.path("after").path("id").asText(), now);
            }
          } else { // a suggestion
            received.putIfAbsent(record.path("order_id").asText(), now);
          }
        }
        if (run.isDone()) {
          if (deadline == Long.MAX_VALUE) {
            run.get(); // rethrows a generator failure
            deadline = System.nanoTime() + Duration.ofSeconds(settleSeconds).toNanos();
          }
          if (expected(committed, eligible).stream().allMatch(received::containsKey)) {
            break;
          }
        }
      }
      stats = run.get();
      pool.shutdown();
    }
    List<String> wanted = expected(committed, eligible);
    List<String> missing = wanted.stream().filter(id -> !received.containsKey(id)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " of " + wanted.size() + " orders never reached " + topic
          + " within " + settleSeconds + "s of the last insert, e.g. " + missing.get(0));
    }
    double[] ms = wanted.stream()
        .mapToDouble(id -> Math.max(0, received.get(id) - committed.get(id)) / 1e6)
        .toArray();
    return new Measured(ms, stats);
  }

  /** The orders whose record this bench waits for: all of them on a CDC topic, the eligible ones otherwise. */
  private List<String> expected(Map<String, Long> committed, Set<String> eligible) {
    return topic.startsWith("cdc.") ? List.copyOf(committed.keySet()) : List.copyOf(eligible);
  }
}
