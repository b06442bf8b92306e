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
  void everyJobGetsTheJava17OpensThatThePomGivesTheTests() throws IOException {
    // pom.xml reads jvm.all from runner-configs/jvm.properties for surefire's JVMs: the same flags, stated once.
    assertThat(Files.readString(Repo.path("pom.xml")), containsString("<argLine>${jvm.all}</argLine>"));
    for (String job : List.of("medallion.bronze.BronzeIngest", "suggestion.SuggestionPipeline", "revenue.StoreDailyRevenue")) {
      assertThat(job, RunnerConfig.jvmFlags("com.coffeeshop.pipelines." + job), hasItems(
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"));
    }
  }

  @Test
  void onlyBatchJobsGetTheThroughputCollector() {
    assertThat(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallion.silver.SilverClean"), hasItem("-XX:+UseParallelGC"));
    assertThat(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallion.DailyBatch"), hasItem("-XX:+UseParallelGC"));
    assertThat(RunnerConfig.jvmFlags("com.coffeeshop.pipelines.revenue.StoreDailyRevenue"), hasItem("-XX:+UseParallelGC"));
    assertThat("the streaming job keeps G1's short pauses",
        RunnerConfig.jvmFlags("com.coffeeshop.pipelines.suggestion.SuggestionPipeline"), not(hasItem("-XX:+UseParallelGC")));
    assertThat("a package prefix applies on a package boundary only",
        RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallionX.Other"), not(hasItem("-XX:+UseParallelGC")));
  }

  @Test
  void onlyTheGoldStepsRunTheJitsFirstTierOnlyAfterTheBatchFlags() {
    for (String step : List.of("GoldDimensions", "GoldFacts")) {
      List<String> flags = RunnerConfig.jvmFlags("com.coffeeshop.pipelines.medallion.gold." + step);
      assertThat(step, flags.subList(flags.size() - 2, flags.size()), is(List.of("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1")));
    }
    for (String job : List.of("medallion.bronze.BronzeIngest", "medallion.silver.SilverClean", "medallion.DailyBatch",
        "revenue.StoreDailyRevenue", "suggestion.SuggestionPipeline")) {
      assertThat(job, RunnerConfig.jvmFlags("com.coffeeshop.pipelines." + job), not(hasItem("-XX:TieredStopAtLevel=1")));
    }
  }

  @Test
  void theLauncherGetsQuotedShellVariablesAndTheJarsClassArchiveWhenThereIsOne(@TempDir Path dir) throws Exception {
    Path jar = RunnerConfig.jar(dir, "flink");
    assertThat(RunnerConfig.classArchiveFlags(jar), is(List.of()));
    Files.writeString(dir.resolve("coffeeshop-pipelines-flink.jsa"), "archive");
    assertThat(RunnerConfig.classArchiveFlags(jar), is(List.of("-XX:SharedArchiveFile=" + dir.resolve("coffeeshop-pipelines-flink.jsa"))));
    Path config = dir.resolve("quotes.conf");
    Files.writeString(config, "runner=FlinkRunner\nappName=it's mine\n");
    Process p = new ProcessBuilder("bash", "-c", "eval \"$(\"$0\" -Dcoffee.jarDir=\"$1\" -Dcoffee.runnerConfigs=\"$2\""
        + " -cp \"$3\" com.coffeeshop.pipelines.launch.RunnerConfig \"$4\" com.coffeeshop.pipelines.medallion.gold.GoldFacts)\";"
        + " printf '%s\\n' \"$BUNDLE\" \"$JAR\" \"${JOB_ARGS[@]}\" \"${CLASS_ARCHIVE[@]}\"",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), dir.toString(),
        RunnerConfig.directory().toString(), System.getProperty("java.class.path"), config.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(out, p.waitFor(), is(0));
    assertThat(out.lines().toList(), is(List.of("flink", jar.toString(), "--appName=it's mine", "--runner=FlinkRunner",
        "-XX:SharedArchiveFile=" + dir.resolve("coffeeshop-pipelines-flink.jsa"))));
  }

  @Test
  void aClusterConfigStagesTheClusterJarAndALocalOneNothing(@TempDir Path dir) throws IOException {
    Path staged = RunnerConfig.clusterJar(dir, "flink");
    assertThat(staged, is(dir.resolve("coffeeshop-pipelines-flink-cluster.jar")));
    RunnerConfig cluster = RunnerConfig.load("flink-cluster");
    assertThat(cluster.submitsToCluster(), is(true));
    assertThat(cluster.args(staged), hasItem("--filesToStage=" + staged));
    for (String local : List.of("direct", "flink-local", "spark-local")) {
      assertThat(local, RunnerConfig.load(local).submitsToCluster(), is(false));
      assertThat(local, RunnerConfig.load(local).args(staged), is(RunnerConfig.load(local).args()));
    }
    Path spark = dir.resolve("spark.conf");
    Files.writeString(spark, "runner=SparkRunner\nsparkMaster=spark://10.0.0.1:7077\n");
    assertThat(RunnerConfig.load(spark.toString()).submitsToCluster(), is(true));
    Path own = dir.resolve("own.conf");
    Files.writeString(own, "runner=FlinkRunner\nflinkMaster=jm:8081\nfilesToStage=/my.jar\n");
    assertThat("a config's own filesToStage is kept", RunnerConfig.load(own.toString()).args(staged),
        is(List.of("--filesToStage=/my.jar", "--flinkMaster=jm:8081", "--runner=FlinkRunner")));
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
