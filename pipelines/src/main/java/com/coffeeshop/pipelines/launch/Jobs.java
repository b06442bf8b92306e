package com.coffeeshop.pipelines.launch;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** What every job's {@code main} shares: clean errors for bad options, and batch runs awaited to the end. */
public final class Jobs {
  private Jobs() {}

  /** A job's body; may throw anything. */
  public interface Body {
    void run() throws Exception;
  }

  /**
   * Runs a job's main body and ends the JVM when it returns. Bad options or configuration
   * ({@link IllegalArgumentException}, whose message says what to change) end it with the message and exit
   * code 2, without a stack trace; anything else ends it with its trace and exit code 1, even when a runner
   * left non-daemon threads behind (the SparkRunner does): a failed job must not linger as a live process
   * that does nothing, so whatever supervises it sees the failure and restarts it.
   *
   * <p>A job that succeeded ends with exit code 0 as soon as its body returns, for the same reason: it does
   * not wait for what a runner left running. Flink's embedded cluster leaves Netty's global event executor,
   * a non-daemon thread that ends only after a second without work: half of all batch steps on Flink ran a
   * second longer, doing nothing.
   */
  public static void main(String job, Body body) throws Exception {
    try {
      body.run();
      try {
        LocalEngine.close();
      } catch (Exception e) {
        System.err.println(job + ": done; stopping its embedded engine failed (" + e + ")");
      }
      System.out.flush();
      System.exit(0);
    } catch (IllegalArgumentException e) {
      System.err.println(job + ": " + e.getMessage());
      System.exit(2);
    } catch (Throwable t) {
      System.err.println(job + " failed:");
      t.printStackTrace();
      System.exit(1);
    }
  }

  /**
   * A batch step's options from its arguments, validated, with its runner's embedded engine starting
   * ({@link LocalEngine}) while the step builds its pipeline; {@link #main} stops the engine at the end.
   */
  public static <T extends PipelineOptions> T batchOptions(String[] args, Class<T> type) throws InterruptedException {
    return LocalEngine.startFor(PipelineOptionsFactory.fromArgs(args).withValidation().as(type));
  }

  /**
   * Waits for a batch run to end. A failed run throws the job's own error (every runner rethrows it
   * from {@code waitUntilFinish}); a run that ends otherwise than DONE without one (cancelled) throws,
   * naming the state.
   */
  public static void toCompletion(PipelineResult result, String job) {
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException(job + " run ended " + state + " instead of DONE; see the runner's log");
    }
  }
}
