package com.coffeeshop.pipelines.launch;

import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * The embedded engine of a local batch job, started on a thread of its own as soon as the job's options are parsed
 * ({@link Jobs#batchOptions}), and shared by every pipeline the JVM runs ({@link Jobs#run}): the daily batch's four
 * steps, a step that restates late days. Today that is Spark's context for {@code --sparkMaster=local[N]}, handed
 * to the SparkRunner through its public options as the provided context ({@code --usesProvidedSparkContext}); the
 * runner would otherwise create one per pipeline, once the pipeline is built (see docs/benchmarks.md for what it
 * saves). Flink's mini-cluster has no public means of being handed to the FlinkRunner: submitting to it as a
 * session cluster over REST was slower than Beam's own {@code [local]} cluster, so Flink runs are left as they
 * are, as are streaming jobs, cluster masters and the DirectRunner. An engine that fails to start fails the job
 * with its own error.
 */
public final class EmbeddedEngine {
  /** A started engine of one runner. */
  interface Engine {
    /** Points {@code options} at the engine, once it is up; throws what its start threw. */
    void handTo(PipelineOptions options) throws Exception;

    void close() throws Exception;
  }

  private static Engine engine;

  private EmbeddedEngine() {}

  /** Starts the engine {@code options} ask for, if local, batch and this JVM has none yet. */
  static synchronized void startFor(PipelineOptions options) {
    if (engine != null || options.as(StreamingOptions.class).isStreaming()) {
      return;
    }
    engine = switch (options.getRunner().getName()) {
      case "org.apache.beam.runners.spark.SparkRunner" -> SparkEngine.startFor(options);
      default -> null;
    };
  }

  /** Runs {@code p} on the engine this JVM started, if any; as the runner would otherwise. */
  static PipelineResult run(Pipeline p) throws Exception {
    Engine e;
    synchronized (EmbeddedEngine.class) {
      e = engine;
    }
    if (e != null) {
      e.handTo(p.getOptions());
    }
    return p.run();
  }

  /** Stops the engine this JVM started, if any. */
  static synchronized void close() throws Exception {
    if (engine != null) {
      Engine e = engine;
      engine = null;
      e.close();
    }
  }

  /** Runs {@code start} on a daemon thread: its result, or what it threw. */
  static <T> CompletableFuture<T> onItsOwnThread(String name, java.util.concurrent.Callable<T> start) {
    CompletableFuture<T> started = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        started.complete(start.call());
      } catch (Throwable failure) {
        started.completeExceptionally(failure);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return started;
  }
}
