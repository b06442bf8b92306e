package com.coffeeshop.systemtests.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.launch.LocalEngine;
import com.coffeeshop.systemtests.testing.Failures;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch step's runs on the embedded engine its main starts early ({@link LocalEngine}, through
 * {@link Jobs#batchOptions}): runs one after the other on one engine, a failing run in between, an engine that
 * cannot start, and runs after the engine was stopped. On the DirectRunner nothing is started.
 */
@OnEveryRunner
class LocalEngineTest {
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    LocalEngine.close();
  }

  private static boolean embedded() {
    return !RunnerUnderTest.config().runner().equals("DirectRunner");
  }

  private static PipelineOptions startedWith(String... extra) throws Exception {
    List<String> args = RunnerUnderTest.args();
    args.addAll(List.of(extra));
    return Jobs.batchOptions(args.toArray(String[]::new), PipelineOptions.class);
  }

  /** Writes the sum of 2·i for i in 1..n to {@code out}: a shuffle and a file, as the batch steps have. */
  private static void sumOfDoubles(PipelineOptions options, int n, Path out) {
    Pipeline p = Pipeline.create(options);
    List<Integer> numbers = new java.util.ArrayList<>();
    for (int i = 1; i <= n; i++) {
      numbers.add(i);
    }
    p.apply(Create.of(numbers))
        .apply(MapElements.into(TypeDescriptors.integers()).via(i -> 2 * i))
        .apply(Sum.integersGlobally())
        .apply(MapElements.into(TypeDescriptors.strings()).via(String::valueOf))
        .apply(TextIO.write().to(out.toString()).withoutSharding());
    Jobs.toCompletion(p.run(), "sum");
  }

  private static class FailsOn extends DoFn<Integer, Integer> {
    private final int bad;

    FailsOn(int bad) {
      this.bad = bad;
    }

    @ProcessElement
    public void process(@Element Integer i, OutputReceiver<Integer> out) {
      if (i == bad) {
        throw new IllegalStateException("row " + i + " is bad");
      }
      out.output(i);
    }
  }

  @Test
  void runsOneAfterAnotherOnOneEngineAndAFailedRunLeavesItUsable() throws Exception {
    PipelineOptions options = startedWith();
    assertThat(LocalEngine.isStarted(), is(embedded()));

    sumOfDoubles(options, 100, dir.resolve("first.txt"));
    assertThat(Files.readString(dir.resolve("first.txt")).trim(), is("10100"));

    Pipeline failing = Pipeline.create(options);
    failing.apply(Create.of(1, 2, 3)).apply(ParDo.of(new FailsOn(2)));
    Exception e = assertThrows(Exception.class, () -> Jobs.toCompletion(failing.run(), "failing"));
    assertThat(Failures.messages(e), containsString("row 2 is bad"));

    sumOfDoubles(options, 1000, dir.resolve("second.txt"));
    assertThat(Files.readString(dir.resolve("second.txt")).trim(), is("1001000"));
    assertThat(LocalEngine.isStarted(), is(embedded()));
  }

  @Test
  void afterTheEngineStoppedNewOptionsRunOnTheRunnersOwn() throws Exception {
    PipelineOptions first = startedWith();
    sumOfDoubles(first, 10, dir.resolve("before.txt"));
    LocalEngine.close();
    assertThat(LocalEngine.isStarted(), is(false));

    List<String> args = RunnerUnderTest.args();
    PipelineOptions plain = org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation().create();
    sumOfDoubles(plain, 10, dir.resolve("after.txt"));
    assertThat(Files.readString(dir.resolve("after.txt")).trim(), is("110"));
  }

  @Test
  void anEngineThatCannotStartFailsTheRunWithItsOwnError() throws Exception {
    String runner = RunnerUnderTest.config().runner();
    if (runner.equals("FlinkRunner")) {
      Path conf = Files.createDirectories(dir.resolve("flink-conf"));
      Files.writeString(conf.resolve("flink-conf.yaml"), "rest.bind-port: notaport\n");
      PipelineOptions options = startedWith("--flinkConfDir=" + conf);
      assertThat(LocalEngine.isStarted(), is(true));
      Exception e = assertThrows(Exception.class, () -> sumOfDoubles(options, 10, dir.resolve("never.txt")));
      assertThat(Failures.messages(e), containsString("notaport"));
    } else if (runner.equals("SparkRunner")) {
      System.setProperty("spark.driver.port", "notaport");
      try {
        PipelineOptions options = startedWith();
        assertThat(LocalEngine.isStarted(), is(true));
        Exception e = assertThrows(Exception.class, () -> sumOfDoubles(options, 10, dir.resolve("never.txt")));
        assertThat("Spark's own error, not a missing provided context", Failures.messages(e),
            containsString("notaport"));
        assertThat(Failures.messages(e), not(containsString("No Spark context was provided")));
      } finally {
        System.clearProperty("spark.driver.port");
      }
    } else {
      PipelineOptions options = startedWith();
      assertThat("the DirectRunner has no engine to start", LocalEngine.isStarted(), is(false));
      sumOfDoubles(options, 3, dir.resolve("direct.txt"));
      assertThat(Files.readString(dir.resolve("direct.txt")).trim(), is("12"));
    }
    assertThat(Files.exists(dir.resolve("never.txt")), is(false));
  }
}
