package com.coffeeshop.systemtests.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.launch.RunnerConfig;
import com.coffeeshop.systemtests.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of runner-configs/, used by devstack/run-pipeline and the tests. */
class RunnerConfigTest {
  @Test
  void everyShippedConfigNamesARunnerWithAJar() {
    assertThat(RunnerConfig.available(), hasItems("direct", "flink-local", "flink-cluster", "spark-local", "spark-cluster"));
    for (String name : RunnerConfig.available()) {
      RunnerConfig config = RunnerConfig.load(name);
      assertThat(name, RunnerConfig.BUNDLES.get(config.runner()), is(config.bundle()));
      assertThat(name, config.args(), hasItem("--runner=" + config.runner()));
    }
    assertThat(RunnerConfig.load("flink-local").args(), hasItem("--flinkMaster=[local]"));
  }

  @Test
  void theJvmFlagsAreThePomsJava17Opens() throws IOException {
    Matcher opens = Pattern.compile("<jdk17.opens>(.*?)</jdk17.opens>", Pattern.DOTALL)
        .matcher(Files.readString(Repo.path("pom.xml")));
    assertThat(opens.find(), is(true));
    assertThat(List.of(RunnerConfig.jvmFlags().trim().split("\\s+")), is(List.of(opens.group(1).trim().split("\\s+"))));
  }

  @Test
  void onlyBatchJobsGetTheThroughputCollector() {
    assertThat(List.of(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallion.SilverClean").split("\\s+")),
        hasItem("-XX:+UseParallelGC"));
    assertThat(List.of(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.revenue.StoreDailyRevenue").split("\\s+")),
        hasItem("-XX:+UseParallelGC"));
    assertThat("the streaming job keeps G1's short pauses",
        RunnerConfig.jvmFlags("com.coffeeshop.pipelines.suggestion.SuggestionPipeline"), is(RunnerConfig.jvmFlags()));
    assertThat(RunnerConfig.jvmFlags(), not(containsString("GC")));
  }

  @Test
  void onlyTheGoldStepsRunTheJitsFirstTierOnly() {
    for (String step : List.of("GoldDimensions", "GoldFacts")) {
      assertThat(step, List.of(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallion." + step).split("\\s+")),
          hasItems("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1"));
    }
    for (String job : List.of("medallion.BronzeIngest", "medallion.SilverClean", "medallion.DailyBatch",
        "revenue.StoreDailyRevenue", "suggestion.SuggestionPipeline")) {
      assertThat(job, RunnerConfig.jvmFlags("com.coffeeshop.pipelines." + job), not(containsString("TieredStopAtLevel")));
    }
  }

  @Test
  void aFileOutsideTheFolderIsReadWithCommentsAndValuesKeptWhole(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("mine.conf");
    Files.writeString(file, "# my cluster\nrunner=SparkRunner\nsparkMaster=spark://host a:7077\n\n");
    RunnerConfig config = RunnerConfig.load(file.toString());
    assertThat(config.bundle(), is("spark"));
    assertThat(config.args(), is(List.of("--runner=SparkRunner", "--sparkMaster=spark://host a:7077")));
  }

  @Test
  void anUnknownConfigOrARunnerlessFileSaysWhatToDo(@TempDir Path dir) throws IOException {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RunnerConfig.load("flink-locl"));
    assertThat(unknown.getMessage(), containsString("flink-local"));
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "flinkMaster=[local]\n");
    IllegalArgumentException runnerless = assertThrows(IllegalArgumentException.class, () -> RunnerConfig.load(file.toString()));
    assertThat(runnerless.getMessage(), containsString("runner="));
  }

  @Test
  void valuesTakeEnvironmentVariablesWithDefaultsAndAnUnsetOneIsNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("vars.conf");
    Files.writeString(file, "runner=FlinkRunner\nstateBackendStoragePath=file://${COFFEE_TEST_UNSET_VAR:-/tmp/x}/ckpt\n"
        + "home=${HOME}\n");
    RunnerConfig config = RunnerConfig.load(file.toString());
    assertThat(config.options().get("stateBackendStoragePath"), is("file:///tmp/x/ckpt"));
    assertThat(config.options().get("home"), is(System.getenv("HOME")));
    Path bad = dir.resolve("unset.conf");
    Files.writeString(bad, "runner=FlinkRunner\nstateBackendStoragePath=${COFFEE_TEST_UNSET_VAR}/ckpt\n");
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class, () -> RunnerConfig.load(bad.toString()));
    assertThat(unset.getMessage(), containsString("stateBackendStoragePath uses ${COFFEE_TEST_UNSET_VAR}, which is not set"));
  }

  @Test
  void theLocalFlinkConfigCheckpointsUnderCoffeeHome() {
    RunnerConfig flink = RunnerConfig.load("flink-local");
    assertThat(flink.options().get("checkpointingInterval"), is("5000"));
    String home = System.getenv("COFFEE_HOME");
    assertThat(flink.options().get("stateBackendStoragePath"),
        is("file://" + (home == null || home.isEmpty() ? "/tmp/coffeeshop" : home) + "/flink-checkpoints"));
  }
}
