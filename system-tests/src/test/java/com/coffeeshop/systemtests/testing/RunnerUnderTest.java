package com.coffeeshop.systemtests.testing;

import com.coffeeshop.pipelines.launch.RunnerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner this test run is about: {@code runner-configs/<beam.test.runnerConfig>.conf}, which the
 * Maven profile sets ({@code direct} by default, {@code flink-local} with {@code -P flink-runner},
 * {@code spark-local} with {@code -P spark-runner}, {@code flink-cluster} with {@code -P flink-cluster}).
 */
public final class RunnerUnderTest {
  private RunnerUnderTest() {}

  public static RunnerConfig config() {
    return RunnerConfig.load(System.getProperty("beam.test.runnerConfig", "direct"));
  }

  /**
   * The config's options as arguments, in a list the caller may extend; on a cluster config, with the cluster jar to
   * stage, as {@code devstack/run-pipeline} gives it.
   */
  public static List<String> args() {
    RunnerConfig c = config();
    return new ArrayList<>(c.args(RunnerConfig.clusterJar(Repo.path("pipelines", "target"), c.bundle())));
  }
}
