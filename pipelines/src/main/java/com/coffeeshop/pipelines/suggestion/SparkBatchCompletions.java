package com.coffeeshop.pipelines.suggestion;

import com.coffeeshop.transforms.cdc.SafeOffsetCommits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.spark.streaming.api.java.JavaBatchInfo;
import org.apache.spark.streaming.api.java.JavaOutputOperationInfo;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchCompleted;

/**
 * Tells {@link SafeOffsetCommits} which Spark micro-batches have had all their effects: each batch that
 * completed with every output operation done, right after the previous one, moves the gate to its
 * batch time. A batch with a failed output operation (an effect that failed for good), or a batch that never
 * completed, stops the gate where it is and fails the job ({@link #failure}): Spark would go on with the next
 * batches, whose completions must not carry the gate past the failed one, so the job ends for its supervisor to
 * restart it from the last safe commit.
 *
 * <p>Why the batch time: Spark generates the batch of time T no earlier than T and reads its records
 * then, and it runs batches' jobs one after the other, in order ({@code spark.streaming.concurrentJobs}
 * 1). So a Kafka mark that reached the consumer at time t holds only records of batches up to t, and
 * once the batch of time T ≥ t has completed, and every batch before it, all of them have had their
 * effects. A batch whose generation failed (a read that threw) sends no completion at all, though other
 * partitions may have finalized their reads: hence the check that completions come one interval apart.
 *
 * <p>Only loaded when the runner is Spark: Spark's classes are on the classpath only then.
 */
final class SparkBatchCompletions extends JavaStreamingListener {
  private static final Logger LOG = LoggerFactory.getLogger(SparkBatchCompletions.class);
  private final long intervalMillis;
  private long lastCompletedMillis = -1;
  private final CompletableFuture<String> failure = new CompletableFuture<>();

  SparkBatchCompletions(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /** Completes, with the reason, when a batch failed or never completed: the job must end. */
  CompletableFuture<String> failure() {
    return failure;
  }

  /**
   * Rejects a Spark setup the gate cannot protect, naming the option to change: a master other than
   * {@code local[…]} (on a cluster, or {@code local-cluster}, the Kafka readers run in executor JVMs,
   * which never see the driver's completions, so the job would never commit an offset and a restart would
   * start its consumer group afresh), and concurrent streaming jobs (batches would complete out of order).
   * Spark's own {@code spark.master} system property wins over {@code --sparkMaster}, so it is checked too.
   */
  static void requireSupportedSetup(PipelineOptions options) {
    String master = System.getProperty("spark.master", options.as(SparkContextOptions.class).getSparkMaster());
    if (!master.equals("local") && !master.startsWith("local[")) {
      throw new IllegalArgumentException("--sparkMaster=" + master + ": the suggestion job on Spark commits Kafka"
          + " offsets only after Spark reports a micro-batch completed, which its readers see only in the driver's"
          + " JVM. Run it with --sparkMaster=local[N] (N above the topics' partition count), or on the FlinkRunner"
          + " for a cluster");
    }
    String concurrentJobs = System.getProperty("spark.streaming.concurrentJobs", "1");
    if (!concurrentJobs.equals("1")) {
      throw new IllegalArgumentException("spark.streaming.concurrentJobs=" + concurrentJobs + ": the suggestion job"
          + " needs Spark's micro-batches to complete in order to know which Kafka offsets are safe to commit;"
          + " leave it at 1");
    }
  }

  /** Adds a listener to the options the SparkRunner reads when it creates the streaming context. */
  static SparkBatchCompletions reportTo(PipelineOptions options) {
    SparkContextOptions spark = options.as(SparkContextOptions.class);
    List<JavaStreamingListener> listeners = new ArrayList<>(spark.getListeners());
    SparkBatchCompletions completions = new SparkBatchCompletions(spark.getBatchIntervalMillis());
    listeners.add(completions);
    spark.setListeners(listeners);
    return completions;
  }

  @Override
  public void onBatchCompleted(JavaStreamingListenerBatchCompleted completed) {
    JavaBatchInfo batch = completed.batchInfo();
    long batchMillis = batch.batchTime().milliseconds();
    String problem = problem(batch, lastCompletedMillis, intervalMillis);
    lastCompletedMillis = batchMillis;
    if (problem != null && failure.complete(problem)) {
      LOG.error("Kafka offsets are no longer committed: {}. The job ends, to be restarted from its last commit", problem);
    } else if (!failure.isDone()) {
      SafeOffsetCommits.effectsDoneUpTo(batchMillis);
    }
  }

  /**
   * Why {@code batch} must not move the gate, or null: one of its outputs failed, or a batch between the
   * previous completed one and it never completed.
   */
  static String problem(JavaBatchInfo batch, long previousMillis, long intervalMillis) {
    for (JavaOutputOperationInfo op : batch.outputOperationInfos().values()) {
      if (op.failureReason() != null) {
        return "Spark micro-batch " + batch.batchTime() + " failed in '" + op.name() + "': "
            + op.failureReason().lines().findFirst().orElse("");
      }
    }
    long batchMillis = batch.batchTime().milliseconds();
    if (previousMillis >= 0 && batchMillis != previousMillis + intervalMillis) {
      return "Spark micro-batch " + batch.batchTime() + " completed after the one of " + previousMillis
          + " ms, not one interval (" + intervalMillis + " ms) later: a batch in between never completed";
    }
    return null;
  }
}
