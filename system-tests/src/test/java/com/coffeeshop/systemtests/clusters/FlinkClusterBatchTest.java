package com.coffeeshop.systemtests.clusters;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.coffeeshop.pipelines.launch.FlinkClusterJobs;
import com.coffeeshop.pipelines.launch.RunnerConfig;
import com.coffeeshop.pipelines.medallion.DailyBatch;
import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.Medallion;
import com.coffeeshop.systemtests.testing.Repo;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import com.coffeeshop.tools.CoffeeCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch submitted to a real Flink 1.19.0 session cluster (a JobManager and two TaskManagers, each its own JVM:
 * {@code devstack/cluster.sh up flink}) with {@code runner-configs/flink-cluster.conf}, the job's classes staged as
 * the cluster jar: the four steps one by one as Airflow runs them, and {@link DailyBatch}, give the gold of the
 * same day built by the embedded DirectRunner, by {@code coffee gold-checksum}. A launcher ended while its job runs
 * (Airflow killing a task, Ctrl-C) cancels the job on the cluster.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlinkClusterBatchTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  private LandingZoneDatabase db;
  private URI rest;

  @BeforeAll
  void aDayOfOrders() throws Exception {
    RunnerConfig cluster = RunnerUnderTest.config();
    assertThat("run with -P flink-cluster", cluster.submitsToCluster(), is(true));
    rest = URI.create("http://" + cluster.options().get("flinkMaster") + "/");
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    db.cli("generate-orders", "--orders", "60", "--rate", "0", "--seed", "34");
    db.referenceRowsWrittenOn(DAY);
    db.ordersPlacedOn(DAY);
  }

  @AfterAll
  void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  /** Bronze's arguments: the landing zone read up to the day's end. */
  private List<String> bronzeArgs(List<String> runnerArgs, Path lake) {
    List<String> args = new ArrayList<>(runnerArgs);
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name, "--lakehouse=" + lake,
        "--timeZone=UTC", "--to=" + DAY.plusDays(1) + "T00:00:00Z"));
    return args;
  }

  /** {@link DailyBatch}'s: bronze's and the day. */
  private List<String> dayArgs(List<String> runnerArgs, Path lake) {
    List<String> args = bronzeArgs(runnerArgs, lake);
    args.add("--date=" + DAY);
    return args;
  }

  private static String goldChecksum(Path lake) {
    StringWriter out = new StringWriter();
    int code = CoffeeCli.commandLine().setOut(new PrintWriter(out, true))
        .execute("gold-checksum", "--lakehouse", lake.toString(), "--date", DAY.toString());
    assertThat(code, is(0));
    return out.toString();
  }

  @Test
  void theStepsAndTheDailyBatchOnTheClusterGiveTheGoldOfTheEmbeddedRunner() throws Exception {
    Path embedded = work.resolve("direct");
    DailyBatch.run(PipelineOptionsFactory.fromArgs(dayArgs(RunnerConfig.load("direct").args(), embedded)
        .toArray(String[]::new)).withValidation().as(DailyBatch.Options.class));
    String expected = goldChecksum(embedded);
    assertThat(expected, containsString("fact_orders"));
    assertThat("the day has facts", expected, not(containsString("fact_orders                  0 rows")));

    Path steps = work.resolve("cluster-steps");
    BronzeIngest.Options bronze = PipelineOptionsFactory.fromArgs(bronzeArgs(RunnerUnderTest.args(), steps)
        .toArray(String[]::new)).withValidation().as(BronzeIngest.Options.class);
    assertThat(BronzeIngest.run(bronze).waitUntilFinish(), is(PipelineResult.State.DONE));
    Medallion m = new Medallion(steps.toString(), "--timeZone=UTC");
    m.silver(DAY);
    m.dimensions(DAY);
    m.facts(DAY);
    assertThat("the four steps, each submitted to the cluster", goldChecksum(steps), is(expected));

    Path oneJvm = work.resolve("cluster-daily-batch");
    DailyBatch.run(PipelineOptionsFactory.fromArgs(dayArgs(RunnerUnderTest.args(), oneJvm).toArray(String[]::new))
        .withValidation().as(DailyBatch.Options.class));
    assertThat("DailyBatch, its four pipelines submitted to the cluster", goldChecksum(oneJvm), is(expected));
  }

  @Test
  void aLauncherEndedWhileItsJobRunsCancelsTheJobOnTheCluster() throws Exception {
    Path log = work.resolve("killed-launcher.log");
    List<String> cmd = new ArrayList<>(List.of(Repo.path("devstack", "run-pipeline").toString(),
        DailyBatch.class.getName(), RunnerUnderTest.config().file().toString()));
    cmd.addAll(dayArgs(List.of(), work.resolve("killed")));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("COFFEE_PREBUILT", "1");
    Process launcher = pb.start();

    // run-pipeline execs the JVM, so the process is the job's driver; DailyBatch's first pipeline is bronze.
    JsonNode job = null;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (job == null && Instant.now().isBefore(deadline) && launcher.isAlive()) {
      for (JsonNode j : JSON.readTree(rest.resolve("jobs/overview").toURL()).path("jobs")) {
        if (j.path("name").asText().startsWith("dailybatch-") && j.path("state").asText().equals("RUNNING")) {
          job = j;
        }
      }
      Thread.sleep(200);
    }
    assertThat("the batch's job ran on the cluster; launcher log:\n" + Files.readString(log), job != null, is(true));

    launcher.destroy();  // SIGTERM, as Airflow's on_kill and Ctrl-C send
    assertThat("the launcher ended", launcher.waitFor(60, TimeUnit.SECONDS), is(true));
    String id = job.path("jid").asText();
    String state = JSON.readTree(rest.resolve("jobs/" + id).toURL()).path("state").asText();
    for (int i = 0; i < 50 && state.equals("CANCELLING"); i++) {
      Thread.sleep(200);
      state = JSON.readTree(rest.resolve("jobs/" + id).toURL()).path("state").asText();
    }
    assertThat("the job on the cluster, after its launcher ended", state, is("CANCELED"));
    assertThat(Files.readString(log), containsString("cancelled job " + job.path("name").asText()));
    assertThat("nothing left running under that name", FlinkClusterJobs.cancel(rest, job.path("name").asText()),
        hasSize(0));
  }
}
