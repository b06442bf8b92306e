package com.coffeeshop.pipelines.launch;

import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The embedded engine of a local batch run (Flink's mini-cluster for {@code --flinkMaster=[local]}, a Spark
 * context for {@code --sparkMaster=local[N]}), started on a thread of its own as soon as a step's options are
 * parsed, instead of by the runner once the pipeline is built. The step reads its tables' logs, checks its
 * inputs and builds its pipeline on the main thread meanwhile, on the other core; the run waits for the engine
 * only if it is not up yet. The facts step of the design-load day ends 0.4 s sooner on Flink (its mini-cluster
 * took 1 s to start) and 0.1–0.2 s on Spark (0.4 s); a JVM that runs several pipelines (the daily batch, a step
 * that restates late days) starts its engine once instead of once per run.
 *
 * <p>Each runner is handed the engine through its own public means: Flink's context environment, which the
 * FlinkRunner uses for {@code [auto]} ({@link FlinkLocalEngine}); Spark's provided context
 * ({@link SparkLocalEngine}). A run on a cluster, a streaming run and the DirectRunner are left as they are.
 * An engine that fails to start fails the run that needs it, with the engine's own error.
 */
public final class LocalEngine {
  /** A started engine. */
  interface Started {
    /** Stops the engine and takes it back from the runner: a later run would start its own. */
    void close() throws Exception;
  }

  /** The engine this JVM started, if any: a JVM runs its steps' pipelines one at a time, on one engine. */
  private static Started started;

  private LocalEngine() {}

  /**
   * Starts the embedded engine that {@code options} ask for, if it is local and this JVM has none yet, and
   * points the options at it. Runner classes are loaded only for their own runner (a runner jar holds one).
   *
   * @return {@code options}
   */
  public static synchronized <T extends PipelineOptions> T startFor(T options) throws InterruptedException {
    if (started == null && !options.as(org.apache.beam.sdk.options.StreamingOptions.class).isStreaming()) {
      started = switch (options.getRunner().getName()) {
        case "org.apache.beam.runners.flink.FlinkRunner" -> FlinkLocalEngine.startFor(options);
        case "org.apache.beam.runners.spark.SparkRunner" -> SparkLocalEngine.startFor(options);
        default -> null;
      };
    }
    return options;
  }

  /** Whether this JVM has started an engine that runs are handed. */
  public static synchronized boolean isStarted() {
    return started != null;
  }

  /** Stops the engine this JVM started, if any. */
  public static synchronized void close() throws Exception {
    if (started != null) {
      Started engine = started;
      started = null;
      engine.close();
    }
  }
}
