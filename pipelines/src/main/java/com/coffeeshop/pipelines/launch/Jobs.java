package com.coffeeshop.pipelines.launch;

import org.apache.beam.sdk.PipelineResult;

/** What every job's {@code main} shares: clean errors for bad options, and batch runs awaited to the end. */
public final class Jobs {
  private Jobs() {}

  /** A job's body; may throw anything. */
  public interface Body {
    void run() throws Exception;
  }

  /**
   * Runs a job's main body. Bad options or configuration ({@link IllegalArgumentException}, whose
   * message says what to change) end the JVM with the message and exit code 2, without a stack trace;
   * anything else propagates (exit code 1, with its trace).
   */
  public static void main(String job, Body body) throws Exception {
    try {
      body.run();
    } catch (IllegalArgumentException e) {
      System.err.println(job + ": " + e.getMessage());
      System.exit(2);
    }
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
