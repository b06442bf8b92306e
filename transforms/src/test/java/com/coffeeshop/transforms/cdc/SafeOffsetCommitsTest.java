package com.coffeeshop.transforms.cdc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** KafkaIO's commits, one finalized checkpoint late, on Kafka's own in-memory consumer. */
class SafeOffsetCommitsTest {
  private static final TopicPartition P0 = new TopicPartition("cdc.orders", 0);
  private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(OffsetResetStrategy.LATEST);
  private final Consumer<byte[], byte[]> consumer = SafeOffsetCommits.wrap(kafka);

  @AfterEach
  void rearm() {
    SafeOffsetCommits.resetForTests();
  }

  private Long committed() {
    OffsetAndMetadata o = kafka.committed(Set.of(P0)).get(P0);
    return o == null ? null : o.offset();
  }

  @Test
  void commitsTheFirstMarkOnlyWhenTheNextOneIsFinalized() {
    kafka.assign(Set.of(P0));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    assertThat("the batch read up to 10 may still be writing its effects", committed(), is(nullValue()));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    assertThat(committed(), is(10L));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    assertThat(committed(), is(25L));
  }

  @Test
  void commitsNothingMoreOnceAnEffectFailed() {
    kafka.assign(Set.of(P0));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    SafeOffsetCommits.halt("MySQL unreachable for a minute");
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(55)));
    assertThat("a restart resumes at the last position whose effects were done", committed(), is(10L));
    assertThat(SafeOffsetCommits.halted(), is(true));
  }

  @Test
  void everyOtherCallReachesTheRealConsumer() {
    consumer.assign(Set.of(P0));
    assertThat(kafka.assignment(), is(Set.of(P0)));
  }
}
