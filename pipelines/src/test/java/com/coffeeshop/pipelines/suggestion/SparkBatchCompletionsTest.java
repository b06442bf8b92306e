package com.coffeeshop.pipelines.suggestion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaBatchInfo;
import org.apache.spark.streaming.api.java.JavaOutputOperationInfo;
import org.junit.jupiter.api.Test;

/** Which Spark batch completions may open the offset gate, and which Spark setups the job refuses. */
class SparkBatchCompletionsTest {
  private static final long INTERVAL = 1_000;

  private static JavaBatchInfo batch(long timeMillis, String... failures) {
    Map<Object, JavaOutputOperationInfo> outputs = new HashMap<>();
    outputs.put(0, new JavaOutputOperationInfo(new Time(timeMillis), 0, "PublishSuggestions", "", 1, 2, null));
    for (int i = 0; i < failures.length; i++) {
      outputs.put(i + 1, new JavaOutputOperationInfo(new Time(timeMillis), i + 1, "PublishDeadLetters", "", 1, 2,
          failures[i]));
    }
    return new JavaBatchInfo(new Time(timeMillis), new HashMap<>(), 0, 0, 0, 0, 0, 0, 0, outputs);
  }

  @Test
  void aBatchThatCompletedRightAfterThePreviousOneOpensTheGate() {
    assertThat(SparkBatchCompletions.problem(batch(5_000), -1, INTERVAL), nullValue());
    assertThat(SparkBatchCompletions.problem(batch(6_000), 5_000, INTERVAL), nullValue());
  }

  @Test
  void aFailedOutputHaltsCommits() {
    assertThat(SparkBatchCompletions.problem(batch(6_000, "TimeoutException: Topic not present\n\tat …"), 5_000,
        INTERVAL), containsString("failed in 'PublishDeadLetters': TimeoutException: Topic not present"));
  }

  @Test
  void aBatchThatNeverCompletedHaltsCommits() {
    // The batch of 6 s failed while it was generated (a read threw): Spark sends no completion for it.
    assertThat(SparkBatchCompletions.problem(batch(7_000), 5_000, INTERVAL), containsString("never completed"));
  }

  private static PipelineOptions spark(String master) {
    return PipelineOptionsFactory.fromArgs("--runner=SparkRunner", "--sparkMaster=" + master).create();
  }

  @Test
  void aClusterMasterIsRefusedNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkBatchCompletions.requireSupportedSetup(spark("spark://spark-master:7077")));
    assertThat(e.getMessage(), containsString("--sparkMaster=spark://spark-master:7077"));
    assertThat(e.getMessage(), containsString("--sparkMaster=local[N]"));
    assertThrows(IllegalArgumentException.class,
        () -> SparkBatchCompletions.requireSupportedSetup(spark("local-cluster[2,1,1024]")));
  }

  @Test
  void localMastersAreAccepted() {
    SparkBatchCompletions.requireSupportedSetup(spark("local[4]"));
    SparkBatchCompletions.requireSupportedSetup(spark("local"));
  }
}
