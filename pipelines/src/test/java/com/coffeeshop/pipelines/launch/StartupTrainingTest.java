package com.coffeeshop.pipelines.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.transforms.delta.DeltaTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training run does what the class-data archive relies on (the build runs it on each runner's jar):
 * a table read from a checkpoint, and the right totals through the side input and the shuffle.
 */
class StartupTrainingTest {
  @Test
  void theTrainingReadsFromACheckpointAndWritesOneRightTotalPerStore(@TempDir Path lake) throws Exception {
    StartupTraining.train(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create(), lake);

    assertThat(Files.exists(lake.resolve("lines/_delta_log/00000000000000000010.checkpoint.parquet")), is(true));
    Map<String, Long> totals = new TreeMap<>();
    for (GenericRecord t : DeltaTables.readSmall(lake.resolve("totals").toString(), StartupTraining.TOTAL, null)) {
      totals.put(t.get("store_name").toString(), (Long) t.get("total"));
    }
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < StartupTraining.LINES; i++) {
      expected.merge("store " + (i % StartupTraining.STORES), 1_000L * (i % 7 + 1), Long::sum);
    }
    assertThat(totals, is(expected));
  }
}
