package com.coffeeshop.pipelines.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A job's JVM ends when its body does, with the exit code a scheduler reads, even when a runner left a non-daemon
 * thread behind (each case runs in a JVM of its own: {@link Jobs#main} ends it).
 */
class JobsTest {
  /** A job whose body leaves a non-daemon thread that would keep a JVM alive for a minute, then ends as asked. */
  public static void main(String[] args) throws Exception {
    Jobs.main("lingering job", () -> {
      Thread lingering = new Thread(() -> {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      lingering.setDaemon(false);
      lingering.start();
      switch (args[0]) {
        case "succeed" -> System.out.println("lingering job: done");
        case "bad-option" -> throw new IllegalArgumentException("--date must be a day, got tomorrow");
        default -> throw new IllegalStateException("the run failed");
      }
    });
  }

  private record Ended(int exitCode, long millis, String output) {}

  private static Ended run(String outcome) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), JobsTest.class.getName(), outcome))
        .redirectErrorStream(true).start();
    long start = System.nanoTime();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (!ended) {
      p.destroyForcibly();
      throw new AssertionError("the job's JVM was still running after 30 s (" + outcome + ")");
    }
    return new Ended(p.exitValue(), millis, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aJobThatSucceededEndsWithZeroWithoutWaitingForALingeringThread() throws Exception {
    Ended e = run("succeed");
    assertThat(e.output(), e.exitCode(), is(0));
    assertThat(e.output(), containsString("lingering job: done"));
    assertThat("ms until the JVM ended (the thread sleeps 60 s)", e.millis(), lessThan(20_000L));
    assertThat("the last line is the result, for scripts", last(e.output()),
        matchesPattern("\\{\"job\":\"lingering job\",\"status\":\"ok\",\"exit_code\":0,\"seconds\":[0-9.]+}"));
  }

  private static String last(String output) {
    List<String> lines = output.lines().toList();
    return lines.get(lines.size() - 1);
  }

  @Test
  void aBadOptionEndsWithTwoAndTheMessageAndAFailureWithOne() throws Exception {
    Ended bad = run("bad-option");
    assertThat(bad.output(), bad.exitCode(), is(2));
    assertThat(bad.output(), containsString("lingering job: --date must be a day, got tomorrow"));
    Ended failed = run("fail");
    assertThat(failed.output(), failed.exitCode(), is(1));
    assertThat(failed.output(), containsString("lingering job failed:"));
    assertThat(last(bad.output()), containsString("\"error\":\"--date must be a day, got tomorrow\",\"status\":\"failed\",\"exit_code\":2"));
    assertThat(last(failed.output()), containsString("\"error\":\"the run failed\",\"status\":\"failed\",\"exit_code\":1"));
  }
}
