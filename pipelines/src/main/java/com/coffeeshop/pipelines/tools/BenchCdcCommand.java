package com.coffeeshop.pipelines.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures commit → CDC record latency: the generator inserts orders at a fixed rate and notes the
 * moment each commit returns; a consumer of the orders CDC topic notes when each order's insert event
 * arrives. Both clocks are this JVM's {@link System#nanoTime()}, so no clock skew enters the figures.
 */
@Command(
    name = "bench-cdc",
    mixinStandardHelpOptions = true,
    description = "Measure INSERT commit -> Debezium record latency through the running Kafka Connect stack.")
public class BenchCdcCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Option(names = "--kafka-bootstrap", defaultValue = "${env:COFFEE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "cdc.orders", description = "CDC topic of orders (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--orders", defaultValue = "1000", description = "Orders per rate (default: ${DEFAULT-VALUE}).")
  int orders;

  @Option(names = "--rates", split = ",", defaultValue = "17,170",
      description = "Order-line rates to measure, lines/s (default: ${DEFAULT-VALUE}: the seed's and 10x).")
  List<Double> rates;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_app", "COFFEE_APP_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    ReferenceSnapshot ref;
    try (Connection c = db.connect()) {
      ref = ReferenceSnapshot.read(c);
    }
    out.printf("machine: %d cores, Java %s; generator, MariaDB, Kafka and Connect all on this machine%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    for (double rate : rates) {
      double[] ms = measure(ref, rate);
      Arrays.sort(ms);
      out.printf("rate %6.1f lines/s: %d orders  p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n",
          rate, ms.length, pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1]);
      out.flush();
    }
    return 0;
  }

  private double[] measure(ReferenceSnapshot ref, double rate) throws Exception {
    Map<String, Long> committed = new ConcurrentHashMap<>();
    Map<String, Long> received = new ConcurrentHashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position); // resolve the end offsets before the first insert
      OrderGenerator.Settings settings = new OrderGenerator.Settings(
          rate, orders, null, System.nanoTime(), null, 1, Duration.ofHours(1));
      OrderGenerator generator = new OrderGenerator(ref, settings, db::connect, new PrintWriter(new StringWriter()))
          .onCommit(committed::put);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<OrderGenerator.Stats> run = pool.submit(generator::run);
      long deadline = Long.MAX_VALUE;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(5))) {
          long now = System.nanoTime();
          if (r.value() == null) {
            continue;
          }
          JsonNode event = json.readTree(r.value());
          if ("c".equals(event.path("op").asText())) {
            received.putIfAbsent(event.path("after").path("id").asText(), now);
          }
        }
        if (run.isDone() && deadline == Long.MAX_VALUE) {
          run.get();
          deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        }
        if (run.isDone() && received.keySet().containsAll(committed.keySet())) {
          break;
        }
      }
      pool.shutdown();
    }
    List<String> missing = committed.keySet().stream().filter(id -> !received.containsKey(id)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " committed orders never reached " + topic + ", e.g. " + missing.get(0));
    }
    return committed.entrySet().stream()
        .mapToDouble(e -> Math.max(0, received.get(e.getKey()) - e.getValue()) / 1e6)
        .toArray();
  }

  private KafkaConsumer<String, String> consumer() {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
    return new KafkaConsumer<>(p);
  }

  private static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
