package com.coffeeshop.pipelines.suggestion;

import com.coffeeshop.transforms.cdc.SafeOffsetCommits;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.spark.streaming.api.java.JavaBatchInfo;
import org.apache.spark.streaming.api.java.JavaOutputOperationInfo;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchCompleted;

/**
 * Tells {@link SafeOffsetCommits} which Spark micro-batches have had all their effects: each batch that
 * completed with every output operation done moves the gate to its batch time; a batch with a failed
 * output operation halts commits for the rest of the JVM's life.
 *
 * <p>Why the batch time: Spark generates the batch of time T no earlier than T and reads its records
 * then, and it runs batches' jobs one after the other, in order. So a Kafka mark that reached the
 * consumer at time t holds only records of batches up to t, and once the batch of time T ≥ t has
 * completed, all of them have had their effects.
 *
 * <p>Only loaded when the runner is Spark: Spark's classes are on the classpath only then.
 */
final class SparkBatchCompletions extends JavaStreamingListener {

  /**
   * Adds the listener to the options the SparkRunner reads when it creates the streaming context.
   *
   * @throws IllegalArgumentException when the master is not {@code local[…]}: on a cluster the Kafka
   *     readers run in executor JVMs, which never see the driver's batch completions, so the job could
   *     never commit an offset and a restart would start its consumer group afresh
   */
  static void reportTo(PipelineOptions options) {
    SparkContextOptions spark = options.as(SparkContextOptions.class);
    if (!spark.getSparkMaster().startsWith("local")) {
      throw new IllegalArgumentException("--sparkMaster=" + spark.getSparkMaster() + ": the suggestion job on Spark"
          + " commits Kafka offsets only after Spark reports a micro-batch completed, which its readers see only"
          + " in the driver's JVM. Run it with --sparkMaster=local[N] (N above the topics' partition count), or on"
          + " the FlinkRunner for a cluster");
    }
    List<JavaStreamingListener> listeners = new ArrayList<>(spark.getListeners());
    listeners.add(new SparkBatchCompletions());
    spark.setListeners(listeners);
  }

  @Override
  public void onBatchCompleted(JavaStreamingListenerBatchCompleted completed) {
    JavaBatchInfo batch = completed.batchInfo();
    for (JavaOutputOperationInfo op : batch.outputOperationInfos().values()) {
      if (op.failureReason() != null) {
        SafeOffsetCommits.halt("Spark micro-batch " + batch.batchTime() + " failed in '" + op.name() + "': "
            + op.failureReason().lines().findFirst().orElse(""));
        return;
      }
    }
    SafeOffsetCommits.effectsDoneUpTo(batch.batchTime().milliseconds());
  }
}
