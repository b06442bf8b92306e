package com.coffeeshop.pipelines.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.ApplicationNameOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * What every job's {@code main} shares: its options, its output and how it ends.
 *
 * <p>A job prints its own progress ({@link #progress}) and, as its last line on standard output, one JSON object
 * that scripts and tests read ({@link #result}): {@code {"job":…,"status":"ok"|"failed",…}}. The runners' own
 * logging goes to standard error, at WARN for their chatty parts (see {@code simplelogger.properties}).
 */
public final class Jobs {
  private Jobs() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A job's body; may throw anything. */
  public interface Body {
    void run() throws Exception;
  }

  /**
   * A job's options from its arguments, validated: a bad option ends the job with exit code 2 ({@link #main}). The
   * application's name, from which Beam makes the job's name (what a cluster's UI lists), is the job class's, not
   * this one's.
   */
  public static <T extends PipelineOptions> T options(String[] args, Class<T> type) {
    T options = PipelineOptionsFactory.fromArgs(args).withValidation().as(type);
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--appName="))) {
      Class<?> job = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
          .map(StackWalker.StackFrame::getDeclaringClass).filter(c -> c != Jobs.class).findFirst()).orElse(Jobs.class);
      options.as(ApplicationNameOptions.class).setAppName(job.getSimpleName());
    }
    return options;
  }

  /**
   * A batch job's options ({@link #options}), with its runner's embedded engine starting on a thread of its own
   * while the job builds its pipeline ({@link EmbeddedEngine}); {@link #run} hands it to each pipeline.
   */
  public static <T extends PipelineOptions> T batchOptions(String[] args, Class<T> type) {
    T options = options(args, type);
    EmbeddedEngine.startFor(options);
    return options;
  }

  /**
   * Runs a batch pipeline: on the embedded engine this JVM started, if any, else as its runner would. A pipeline sent
   * to a Flink cluster is cancelled there if this JVM ends before it does ({@link FlinkClusterJobs}).
   */
  public static PipelineResult run(Pipeline p) {
    FlinkClusterJobs.cancelOnExit(p.getOptions());
    try {
      return EmbeddedEngine.run(p);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the embedded engine did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Runs a job's main body and ends the JVM when it returns, printing its {@link #result} line. Bad options or
   * configuration ({@link IllegalArgumentException}, whose message says what to change) end it with the message
   * and exit code 2, without a stack trace; anything else ends it with its trace and exit code 1.
   *
   * <p>The JVM ends at once, whatever the runner left running (the SparkRunner and Flink's embedded cluster
   * leave non-daemon threads behind): a failed job must not linger as a live process that does nothing, so
   * whatever supervises it sees the failure and restarts it, and a finished one must not keep its caller waiting.
   */
  public static void main(String job, Body body) {
    long start = System.nanoTime();
    int exit;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("job", job);
    try {
      body.run();
      EmbeddedEngine.close();
      exit = 0;
    } catch (IllegalArgumentException e) {
      System.err.println(job + ": " + e.getMessage());
      result.put("error", e.getMessage());
      exit = 2;
    } catch (Throwable t) {
      System.err.println(job + " failed:");
      t.printStackTrace();
      result.put("error", String.valueOf(t.getMessage()));
      exit = 1;
    }
    result.put("status", exit == 0 ? "ok" : "failed");
    result.put("exit_code", exit);
    result.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    result(result);
    System.out.flush();
    System.exit(exit);
  }

  /** Prints a progress line of the job: {@code [job] message}. */
  public static void progress(String job, String message) {
    System.out.println("[" + job + "] " + message);
  }

  /** Prints {@code fields} as one JSON object on one line, for scripts and tests to read. */
  public static void result(Map<String, Object> fields) {
    try {
      System.out.println(JSON.writeValueAsString(fields));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result " + fields, e);
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
