package com.coffeeshop.transforms.cdc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a KafkaIO reader's offsets to its consumer group only once the records before them have had
 * their effects (on Flink and Spark), so a restart never resumes past a record whose effects were not done.
 *
 * <p>Why: KafkaIO's {@code commitOffsetsInFinalize()} commits a checkpoint mark when the runner
 * finalizes it, and runners finalize at different moments:
 * <ul>
 *   <li>The FlinkRunner finalizes after a checkpoint completed, i.e. after every operator processed and
 *       flushed the records before the barrier: already safe. {@link #consumerFactory()} still commits
 *       each mark one finalization late, which only replays one more checkpoint interval.
 *   <li>The SparkRunner finalizes when a micro-batch's <em>read</em> ends, and it reads the next
 *       micro-batches while the jobs of the current one still run (Beam's read report collects each
 *       batch's read when the batch is generated, on any free task slot). So neither "finalized" nor "the
 *       next mark was finalized" means the effects are done: a job killed while its effects hang resumed
 *       past them and lost 3 of 14 and 4 of 22 eligible orders in two runs. {@link #consumerFactoryGatedOnEffects()} commits a mark only
 *       once {@link #effectsDoneUpTo} says every micro-batch up to the moment the mark arrived has
 *       completed; the job reports that from Spark's own batch-completed events.
 * </ul>
 *
 * <p>An effect that fails for good fails its bundle ({@link EffectRetries}): Flink then restarts the job from
 * its last completed checkpoint, whose marks are the only ones ever finalized; on Spark the failed batch never
 * reports completion, so the gate never passes it, and the job fails (see the suggestion job's Spark listener) for
 * its supervisor to restart from the last safe commit. Nothing here is switched off by an effect's failure: once
 * the effects succeed again, commits go on.
 */
public final class SafeOffsetCommits {
  private static final Logger LOG = LoggerFactory.getLogger(SafeOffsetCommits.class);
  /** Wall-clock time (epoch ms) up to which every record read in this JVM has had its effects; -1: unknown. */
  private static final AtomicLong EFFECTS_DONE_UP_TO = new AtomicLong(-1);
  /** Gated offsets not committed yet: consumer group → partition → offsets, oldest first (see {@link Gate}). */
  private static final Map<String, Map<TopicPartition, Deque<Pending>>> WAITING = new HashMap<>();
  /** The latest arrival time a gated offset got (guarded by {@link #WAITING}). */
  private static long lastArrivalMillis = -1;
  /** Offsets a partition keeps waiting at most (a day of 1 s micro-batches); the oldest go first. */
  private static final int MAX_WAITING = 86_400;
  /** How long an offset may wait before the job is told that nothing reports completed batches. */
  private static final long STALE_WARNING_MILLIS = 5 * 60_000;

  private SafeOffsetCommits() {}

  /** A consumer factory for {@code KafkaIO.Read.withConsumerFactoryFn}: each mark committed one finalization late. */
  public static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return config -> oneBehind(new KafkaConsumer<>(config));
  }

  /**
   * A consumer factory whose commits wait for {@link #effectsDoneUpTo}: for runners that finalize a read
   * before its records' effects (Spark). Its readers must run in the JVM that reports the completions.
   */
  public static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactoryGatedOnEffects() {
    return config -> gatedOnEffects(new KafkaConsumer<>(config), String.valueOf(config.get("group.id")));
  }

  /** {@code delegate}, whose {@code commitSync(offsets)} commits the previous call's offsets instead. */
  public static <K, V> Consumer<K, V> oneBehind(Consumer<K, V> delegate) {
    return proxy(delegate, new OneBehind());
  }

  /**
   * {@code delegate}, whose {@code commitSync(offsets)} commits, for each of their partitions, the newest
   * offsets that reached a consumer of {@code group} in this JVM no later than {@link #effectsDoneUpTo}.
   */
  public static <K, V> Consumer<K, V> gatedOnEffects(Consumer<K, V> delegate, String group) {
    return proxy(delegate, new Gate(group));
  }

  /**
   * Says that every record read in this JVM up to {@code epochMillis} has had all its effects (the runner's
   * unit of work that read it completed). Gated commits then include offsets that arrived until then.
   */
  public static void effectsDoneUpTo(long epochMillis) {
    EFFECTS_DONE_UP_TO.accumulateAndGet(epochMillis, Math::max);
  }

  /** Forgets reported completions and waiting offsets; tests only. */
  static void resetForTests() {
    EFFECTS_DONE_UP_TO.set(-1);
    synchronized (WAITING) {
      WAITING.clear();
      lastArrivalMillis = -1;
    }
  }

  /** Which offsets a {@code commitSync(offsets)} call may commit now; null or empty: none. */
  private interface Policy {
    Map<TopicPartition, OffsetAndMetadata> safeToCommit(Map<TopicPartition, OffsetAndMetadata> requested);
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Consumer<K, V> proxy(Consumer<K, V> delegate, Policy policy) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("commitSync") && args != null && args.length == 1 && args[0] instanceof Map) {
        Map<TopicPartition, OffsetAndMetadata> safe =
            policy.safeToCommit(Map.copyOf((Map<TopicPartition, OffsetAndMetadata>) args[0]));
        if (safe == null || safe.isEmpty()) {
          return null;
        }
        args = new Object[] {safe};
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Consumer<K, V>) Proxy.newProxyInstance(SafeOffsetCommits.class.getClassLoader(),
        new Class<?>[] {Consumer.class}, handler);
  }

  /** The previous mark: once the next one is finalized, the previous read's effects are done (Flink). */
  private static final class OneBehind implements Policy {
    private Map<TopicPartition, OffsetAndMetadata> previous;

    @Override
    public Map<TopicPartition, OffsetAndMetadata> safeToCommit(Map<TopicPartition, OffsetAndMetadata> requested) {
      Map<TopicPartition, OffsetAndMetadata> safe = previous;
      previous = requested;
      return safe; // null for a reader's first mark: nothing is known to be done yet
    }
  }

  /**
   * Offsets wait until {@link #effectsDoneUpTo} passes the moment they arrived (Spark). They wait per
   * consumer group and partition for the whole JVM, not per consumer: Spark's reader cache closes a reader
   * not used for 1.5 batch intervals (a slow batch is enough) and opens a new one at the same position,
   * and what the old one was waiting to commit must not be lost with it.
   */
  private static final class Gate implements Policy {
    private final String group;
    private boolean warnedStale;

    Gate(String group) {
      this.group = group;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> safeToCommit(Map<TopicPartition, OffsetAndMetadata> requested) {
      Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
      synchronized (WAITING) {
        long now = System.currentTimeMillis();
        if (now < lastArrivalMillis) {
          // Arrival times would no longer be after the batch that read them: nothing is provably safe any more.
          throw new IllegalStateException("the wall clock stepped back " + (lastArrivalMillis - now) + " ms: no Kafka"
              + " offset can be proven safe to commit; the job must restart from its last commit");
        }
        lastArrivalMillis = Math.max(lastArrivalMillis, now);
        long doneUpTo = EFFECTS_DONE_UP_TO.get();
        Map<TopicPartition, Deque<Pending>> partitions = WAITING.computeIfAbsent(group, g -> new HashMap<>());
        requested.forEach((partition, offset) -> {
          Deque<Pending> waiting = partitions.computeIfAbsent(partition, q -> new ArrayDeque<>());
          waiting.addLast(new Pending(now, offset));
          if (waiting.size() > MAX_WAITING) {
            waiting.removeFirst(); // committing an older offset is never needed once a newer one is safe
          }
          while (!waiting.isEmpty() && waiting.peekFirst().arrivedAtMillis() <= doneUpTo) {
            // The highest: two readers of one partition (an evicted one and its successor) may interleave.
            safe.merge(partition, waiting.removeFirst().offset(), (a, b) -> a.offset() >= b.offset() ? a : b);
          }
          if (!warnedStale && !waiting.isEmpty() && now - waiting.peekFirst().arrivedAtMillis() > STALE_WARNING_MILLIS) {
            warnedStale = true;
            LOG.warn("No Kafka offset of {} committed for {} min: no micro-batch completed in this JVM since."
                + " Nothing is lost (a restart replays from the last commit), but the replay grows", partition,
                STALE_WARNING_MILLIS / 60_000);
          }
        });
      }
      return safe;
    }
  }

  /** An offset as KafkaIO asked to commit it, and when it did. */
  private record Pending(long arrivedAtMillis, OffsetAndMetadata offset) {}
}
