package com.coffeeshop.systemtests.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The local Kafka of {@code devstack/kafka.sh up} as the tests use it: positions, consumers, a producer. */
public final class KafkaTopics {
  private KafkaTopics() {}

  public static String bootstrap() {
    String v = System.getenv("COFFEE_KAFKA_BOOTSTRAP");
    if (v != null && !v.isEmpty()) {
      return v;
    }
    String port = System.getenv("COFFEE_KAFKA_PORT");
    return "127.0.0.1:" + (port == null || port.isEmpty() ? "9092" : port);
  }

  private static Properties consumerProps(String group) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (group != null) {
      p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return p;
  }

  /** The current end of every partition of {@code topics}. */
  public static Map<TopicPartition, Long> endOffsets(String... topics) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(null))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        c.partitionsFor(t, Duration.ofSeconds(10)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
      }
      return c.endOffsets(parts);
    }
  }

  /** Commits the current ends for {@code group}, so a job in that group reads exactly what comes next. */
  public static void commitEndOffsets(String group, String... topics) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    endOffsets(topics).forEach((tp, off) -> commit.put(tp, new OffsetAndMetadata(off)));
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(group))) {
      c.commitSync(commit);
    }
  }

  /** The offsets {@code group} has committed on the partitions of {@code topics} (-1 where none). */
  public static Map<TopicPartition, Long> committed(String group, String... topics) {
    Map<TopicPartition, Long> out = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(group))) {
      Set<TopicPartition> parts = endOffsets(topics).keySet();
      c.committed(parts).forEach((tp, off) -> out.put(tp, off == null ? -1L : off.offset()));
    }
    return out;
  }

  /** A consumer (no group) positioned at {@code start}. */
  public static KafkaConsumer<String, String> consumerFrom(Map<TopicPartition, Long> start) {
    KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(null));
    c.assign(start.keySet());
    start.forEach(c::seek);
    return c;
  }

  /** Every record from {@code start} up to the partitions' current ends. */
  public static List<ConsumerRecord<String, String>> readToEnd(Map<TopicPartition, Long> start) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumerFrom(start)) {
      Map<TopicPartition, Long> end = c.endOffsets(start.keySet());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + start.keySet() + " to its end within 60 s");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  public static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap());
    p.setProperty("key.serializer", StringSerializer.class.getName());
    p.setProperty("value.serializer", StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * Every topic of the cluster, internal ones included, as {@code name → "replicas/min.insync.replicas"} (for example
   * {@code "3/2"}), and the leader of each partition of {@code topic}.
   */
  public static Map<String, String> replication() throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap());
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      Set<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
          .names().get();
      Map<String, String> out = new java.util.TreeMap<>();
      var configs = admin.describeConfigs(names.stream().map(n -> new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, n)).toList()).all().get();
      admin.describeTopics(names).allTopicNames().get().forEach((name, d) -> out.put(name,
          d.partitions().get(0).replicas().size() + "/" + configs.get(new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name)).get("min.insync.replicas").value()));
      return out;
    }
  }

  /** The broker id leading partition 0 of {@code topic}. */
  public static int leaderOfFirstPartition(String topic) throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap());
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0).leader().id();
    }
  }
}
