package com.coffeeshop.transforms.cdc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a KafkaIO reader's offsets to its consumer group one finalized checkpoint late, so the
 * committed position never runs ahead of records whose effects are not done yet, on every runner.
 *
 * <p>Why: KafkaIO's {@code commitOffsetsInFinalize()} commits a checkpoint mark when the runner
 * finalizes it. The FlinkRunner finalizes after a checkpoint completed, i.e. after every operator
 * processed and flushed the records before the barrier: already safe. The SparkRunner finalizes when
 * a micro-batch's <em>read</em> ends, before that batch's MySQL writes and Kafka publishes; a crash
 * then resumes past the unfinished batch. Spark runs one micro-batch at a time, so by the time the
 * next batch's read is finalized, the previous batch is done: committing the previous mark then is
 * safe. On Flink the lag only means a restart replays one more checkpoint interval, which the job's
 * idempotent effects make harmless.
 *
 * <p>{@link #halt} stops all further commits in this JVM: a DoFn whose effect failed calls it, so a
 * runner that goes on with the next batch before the job stops cannot commit past the failed records.
 * A restart then resumes from the last safe commit.
 */
public final class SafeOffsetCommits {
  private static final Logger LOG = LoggerFactory.getLogger(SafeOffsetCommits.class);
  private static final AtomicReference<String> HALTED = new AtomicReference<>();

  private SafeOffsetCommits() {}

  /** A consumer factory for {@code KafkaIO.Read.withConsumerFactoryFn}. */
  public static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return config -> wrap(new KafkaConsumer<>(config));
  }

  /** {@code delegate}, with every {@code commitSync(offsets)} committing the previous call's offsets. */
  @SuppressWarnings("unchecked")
  public static <K, V> Consumer<K, V> wrap(Consumer<K, V> delegate) {
    return (Consumer<K, V>) Proxy.newProxyInstance(SafeOffsetCommits.class.getClassLoader(),
        new Class<?>[] {Consumer.class}, new OneBehind(delegate));
  }

  /** Stops every later commit in this JVM; the reason is logged once. */
  public static void halt(String reason) {
    if (HALTED.compareAndSet(null, reason)) {
      LOG.error("Kafka offset commits stopped in this JVM because an effect failed ({}): a restart resumes from"
          + " the last position whose effects were done, and replays are idempotent", reason);
    }
  }

  /** Whether {@link #halt} was called in this JVM (for tests and status). */
  public static boolean halted() {
    return HALTED.get() != null;
  }

  /** Re-arms commits; tests only. */
  static void resetForTests() {
    HALTED.set(null);
  }

  private static final class OneBehind implements InvocationHandler {
    private final Consumer<?, ?> delegate;
    private Map<TopicPartition, OffsetAndMetadata> pending;

    OneBehind(Consumer<?, ?> delegate) {
      this.delegate = delegate;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("commitSync") && args != null && args.length == 1 && args[0] instanceof Map) {
        Map<TopicPartition, OffsetAndMetadata> previous = pending;
        pending = Map.copyOf((Map<TopicPartition, OffsetAndMetadata>) args[0]);
        if (previous == null || HALTED.get() != null) {
          // The first mark of this reader (nothing is known to be done yet), or commits were halted.
          return null;
        }
        args = new Object[] {previous};
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
