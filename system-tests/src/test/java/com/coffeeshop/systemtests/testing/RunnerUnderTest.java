package com.coffeeshop.systemtests.testing;

import com.coffeeshop.pipelines.launch.RunnerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner this test run is about: {@code runner-configs/<beam.test.runnerConfig>.conf}, which the
 * Maven profile sets ({@code direct} by default, {@code flink-local} with {@code -P flink-runner},
 * {@code spark-local} with {@code -P spark-runner}).
 */
public final class RunnerUnderTest {
  private RunnerUnderTest() {}

  public static RunnerConfig config() {
    return RunnerConfig.load(System.getProperty("beam.test.runnerConfig", "direct"));
  }

  /** The config's options as arguments, in a list the caller may extend. */
  public static List<String> args() {
    return new ArrayList<>(config().args());
  }
}
