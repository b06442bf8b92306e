package com.coffeeshop.systemtests.cdc;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The running local CDC stack ({@code devstack/kafka.sh up}, which devstack/test.sh starts): a
 * consumer positioned at the current end of the CDC topics, and control of the Connect worker.
 */
final class CdcStack {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One change event as it arrived. */
  record Event(String topic, int partition, String key, JsonNode value) {
    String op() {
      return value == null ? null : value.path("op").asText();
    }

    JsonNode after() {
      return value.path("after");
    }
  }

  static String bootstrap() {
    String v = System.getenv("COFFEE_KAFKA_BOOTSTRAP");
    return v == null || v.isEmpty() ? "127.0.0.1:" + env("COFFEE_KAFKA_PORT", "9092") : v;
  }

  /** The database the connector captures: the same COFFEE_DB_NAME the stack was started with. */
  static String capturedDatabase() {
    return env("COFFEE_DB_NAME", "coffeeshop");
  }

  /** A consumer of {@code topics}, positioned at their current end (only new events are seen). */
  static KafkaConsumer<String, String> consumerAtEnd(String... topics) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : topics) {
      List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + t + " does not exist: is the CDC stack up (devstack/kafka.sh up)?");
      }
      infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
    }
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }

  static List<Event> poll(KafkaConsumer<String, String> c, Duration timeout) throws IOException {
    List<Event> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : c.poll(timeout)) {
      out.add(new Event(r.topic(), r.partition(), r.key(), r.value() == null ? null : JSON.readTree(r.value())));
    }
    return out;
  }

  /** Runs {@code devstack/kafka.sh ARGS} and fails unless it exits 0. */
  static void devstack(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("repo.dir", "..")).resolve("devstack/kafka.sh").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("devstack/kafka.sh " + String.join(" ", args) + " failed");
    }
  }

  /** Schema, users and reference data in the captured database (all idempotent). */
  static LandingZoneDatabase preparedCapturedDatabase() throws Exception {
    return LandingZoneDatabase.existing(capturedDatabase());
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private CdcStack() {}
}
