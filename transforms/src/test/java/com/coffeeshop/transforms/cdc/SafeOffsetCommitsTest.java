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

/**
 * KafkaIO's commits, one finalized checkpoint late or gated on reported effects, on Kafka's own in-memory
 * consumer.
 */
class SafeOffsetCommitsTest {
  private static final TopicPartition P0 = new TopicPartition("cdc.orders", 0);
  private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(OffsetResetStrategy.LATEST);
  private final Consumer<byte[], byte[]> consumer = SafeOffsetCommits.oneBehind(kafka);

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
  void aFailedEffectStopsNoLaterCommitOfTheReadersThatReplayIt() {
    // Flink: an effect fails for good, the job restarts from its last checkpoint with new readers, which finalize
    // marks again once the replayed records' effects are done: those commit, with no switch left off anywhere.
    kafka.assign(Set.of(P0));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    assertThat(committed(), is(10L));
    Consumer<byte[], byte[]> restarted = SafeOffsetCommits.oneBehind(kafka);
    restarted.commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    restarted.commitSync(Map.of(P0, new OffsetAndMetadata(55)));
    assertThat("after the outage the commits catch up", committed(), is(40L));
  }

  @Test
  void aGatedCommitWaitsUntilTheEffectsOfEverythingReadBeforeItAreReported() throws Exception {
    Consumer<byte[], byte[]> gated = SafeOffsetCommits.gatedOnEffects(kafka, "suggestions");
    kafka.assign(Set.of(P0));
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    assertThat("Spark read three micro-batches, none of which has completed", committed(), is(nullValue()));

    SafeOffsetCommits.effectsDoneUpTo(System.currentTimeMillis());
    Thread.sleep(5);
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(55)));
    assertThat("everything that arrived before the reported time, not the mark read after it", committed(), is(40L));

    gated.commitSync(Map.of(P0, new OffsetAndMetadata(70)));
    assertThat("nothing newer was reported done", committed(), is(40L));
  }

  @Test
  void aLateOlderReportDoesNotMoveTheGateBack() throws Exception {
    Consumer<byte[], byte[]> gated = SafeOffsetCommits.gatedOnEffects(kafka, "suggestions");
    kafka.assign(Set.of(P0));
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    Thread.sleep(5);
    long between = System.currentTimeMillis();
    Thread.sleep(5);
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    Thread.sleep(5);
    SafeOffsetCommits.effectsDoneUpTo(System.currentTimeMillis());
    SafeOffsetCommits.effectsDoneUpTo(between); // an older batch's event, delivered late
    Thread.sleep(5); // a mark arriving in the reported millisecond may belong to that batch, so it is safe
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    assertThat(committed(), is(25L));
  }

  @Test
  void whatAClosedReaderWaitedToCommitIsCommittedByTheNextReaderOfTheGroup() throws Exception {
    kafka.assign(Set.of(P0));
    Consumer<byte[], byte[]> evicted = SafeOffsetCommits.gatedOnEffects(kafka, "suggestions");
    evicted.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    evicted.close();
    SafeOffsetCommits.effectsDoneUpTo(System.currentTimeMillis());
    Thread.sleep(5);

    MockConsumer<byte[], byte[]> otherGroup = new MockConsumer<>(OffsetResetStrategy.LATEST);
    otherGroup.assign(Set.of(P0));
    SafeOffsetCommits.gatedOnEffects(otherGroup, "another-job").commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    assertThat("another group does not commit this group's offsets", otherGroup.committed(Set.of(P0)).get(P0),
        is(nullValue()));

    MockConsumer<byte[], byte[]> kafka2 = new MockConsumer<>(OffsetResetStrategy.LATEST);
    kafka2.assign(Set.of(P0));
    SafeOffsetCommits.gatedOnEffects(kafka2, "suggestions").commitSync(Map.of(P0, new OffsetAndMetadata(25)));
    assertThat(kafka2.committed(Set.of(P0)).get(P0).offset(), is(10L));
  }

  @Test
  void twoReadersOfAPartitionNeverMoveTheCommitBack() throws Exception {
    kafka.assign(Set.of(P0));
    SafeOffsetCommits.gatedOnEffects(kafka, "suggestions").commitSync(Map.of(P0, new OffsetAndMetadata(40)));
    Consumer<byte[], byte[]> successor = SafeOffsetCommits.gatedOnEffects(kafka, "suggestions");
    successor.commitSync(Map.of(P0, new OffsetAndMetadata(25))); // it started from an older read position
    SafeOffsetCommits.effectsDoneUpTo(System.currentTimeMillis());
    Thread.sleep(5);
    successor.commitSync(Map.of(P0, new OffsetAndMetadata(30)));
    assertThat(committed(), is(40L));
  }

  @Test
  void aGatedConsumerRefusesToCommitWhenTheClockStepsBack() throws Exception {
    Consumer<byte[], byte[]> gated = SafeOffsetCommits.gatedOnEffects(kafka, "suggestions");
    kafka.assign(Set.of(P0));
    gated.commitSync(Map.of(P0, new OffsetAndMetadata(10)));
    java.lang.reflect.Field last = SafeOffsetCommits.class.getDeclaredField("lastArrivalMillis");
    last.setAccessible(true);
    last.setLong(null, System.currentTimeMillis() + 60_000); // as if the clock had been a minute ahead
    SafeOffsetCommits.effectsDoneUpTo(System.currentTimeMillis());
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> gated.commitSync(Map.of(P0, new OffsetAndMetadata(25))));
    assertThat(e.getMessage(), org.hamcrest.Matchers.containsString("the wall clock stepped back"));
    assertThat(committed(), is(nullValue()));
  }

  @Test
  void everyOtherCallReachesTheRealConsumer() {
    consumer.assign(Set.of(P0));
    assertThat(kafka.assignment(), is(Set.of(P0)));
  }
}
