package com.coffeeshop.systemtests.suggestion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.suggestion.SuggestionPipeline;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * The suggestion job refuses a Spark cluster master, saying why and what to use: its offset commits wait
 * for Spark's batch-completed events, which readers on a cluster's executors never see (it would never
 * commit, and a restart would start its consumer group afresh). Only in the spark-runner profile.
 */
@OnEveryRunner
class SuggestionOnSparkClusterTest {
  @Test
  void aSparkClusterMasterIsRefusedBeforeAnythingRuns() {
    SuggestionPipeline.Options options = PipelineOptionsFactory.fromArgs("--runner=SparkRunner",
        "--sparkMaster=spark://spark-master:7077", "--dbUser=coffee_app", "--dbPasswordEnv=COFFEE_APP_PASSWORD")
        .as(SuggestionPipeline.Options.class);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuggestionPipeline.run(options));
    assertThat(e.getMessage(), containsString("--sparkMaster=spark://spark-master:7077"));
    assertThat(e.getMessage(), containsString("--sparkMaster=local[N]"));
  }
}
