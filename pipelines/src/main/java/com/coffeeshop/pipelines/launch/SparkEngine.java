package com.coffeeshop.pipelines.launch;

import java.util.concurrent.CompletableFuture;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.coders.SparkRunnerKryoRegistrator;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A Spark context for {@code --sparkMaster=local[N]} batch jobs, as the SparkRunner would create it (Spark's
 * configuration from {@code spark.*} system properties, the options' master and app name, Beam's Kryo
 * registrator), handed to the runner as the provided context. Only loaded when the runner is Spark.
 */
final class SparkEngine implements EmbeddedEngine.Engine {
  private final CompletableFuture<JavaSparkContext> started;

  private SparkEngine(CompletableFuture<JavaSparkContext> started) {
    this.started = started;
  }

  static EmbeddedEngine.Engine startFor(PipelineOptions options) {
    SparkContextOptions spark = options.as(SparkContextOptions.class);
    // Spark's own spark.master system property wins over the option, as in the runner's context.
    String master = System.getProperty("spark.master", spark.getSparkMaster());
    if (spark.getUsesProvidedSparkContext() || !master.matches("local(\\[\\d+])?")) {
      return null;
    }
    String appName = spark.getAppName();
    return new SparkEngine(EmbeddedEngine.onItsOwnThread("spark-engine-start", () -> new JavaSparkContext(
        new SparkConf().setMaster(master).setAppName(appName)
            .set("spark.kryo.registrator", SparkRunnerKryoRegistrator.class.getName()))));
  }

  @Override
  public void handTo(PipelineOptions options) {
    SparkContextOptions spark = options.as(SparkContextOptions.class);
    spark.setUsesProvidedSparkContext(true);
    spark.setProvidedSparkContext(started.join());
  }

  @Override
  public void close() {
    if (!started.isCompletedExceptionally()) {
      started.join().stop();
    }
  }
}
