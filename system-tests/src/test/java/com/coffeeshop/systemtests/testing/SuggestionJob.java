package com.coffeeshop.systemtests.testing;

import com.coffeeshop.pipelines.launch.RunnerConfig;
import com.coffeeshop.pipelines.suggestion.SuggestionPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The suggestion job in a JVM of its own, started from the test classpath with the options of the
 * runner under test: a test can kill it like a crash would, and stopping it really stops it (an
 * in-process Flink job cannot be cancelled from a test; one left running would process the next
 * test's orders and hide what that test is about).
 */
public final class SuggestionJob {
  private final List<String> args;
  public final Path log;
  private Process process;
  private int unplannedRestarts;

  /** A job on {@code db} in consumer group {@code group}; {@code extraArgs} override the defaults and the runner config. */
  public SuggestionJob(LandingZoneDatabase db, String group, String... extraArgs) throws IOException {
    this.log = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "suggestion-job-", ".log");
    this.args = new ArrayList<>(RunnerUnderTest.args());
    args.addAll(List.of("--dbHost=" + db.host, "--dbPort=" + db.port, "--dbName=" + db.name, "--dbUser=coffee_app",
        "--dbPasswordEnv=COFFEE_APP_PASSWORD", "--kafkaBootstrap=" + KafkaTopics.bootstrap(),
        "--redisPort=" + env("COFFEE_REDIS_PORT", "6380"), "--consumerGroup=" + group, "--cacheTtlMillis=500"));
    for (String extra : extraArgs) {
      // An extra option replaces the same option from the defaults or the runner config.
      String name = extra.contains("=") ? extra.substring(0, extra.indexOf('=') + 1) : extra;
      args.removeIf(a -> a.startsWith(name));
      args.add(extra);
    }
  }

  public void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1500m", "-Dspark.ui.enabled=false"));
    cmd.addAll(RunnerConfig.jvmFlags(SuggestionPipeline.class.getName()));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SuggestionPipeline.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    process = pb.start();
  }

  /** SIGKILL, as a crash or an OOM killer would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /** Fails, with the end of the job's log, when the job has exited. */
  public void assertAlive() throws IOException {
    if (!process.isAlive()) {
      throw new AssertionError("the suggestion job exited with code " + process.exitValue() + "; " + logTail());
    }
  }

  /**
   * Does what {@code devstack/suggestion-job.sh} (or a cluster's supervisor) does when the job fails
   * by itself: starts it again. Counted ({@link #unplannedRestarts()}) and printed, never hidden.
   */
  public void superviseIfExited() throws IOException {
    if (!process.isAlive()) {
      int code = process.exitValue();
      if (code == 2) {
        throw new AssertionError("the suggestion job refused its options; " + logTail());
      }
      unplannedRestarts++;
      System.out.printf("[suggestion-job] exited by itself with code %d (see %s); started again%n", code, log);
      start();
    }
  }

  public int unplannedRestarts() {
    return unplannedRestarts;
  }

  private String logTail() throws IOException {
    List<String> all = Files.readAllLines(log);
    return "last lines of " + log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
