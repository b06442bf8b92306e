package com.coffeeshop.pipelines.launch;

import java.util.concurrent.CountDownLatch;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.coders.SparkRunnerKryoRegistrator;
import org.apache.beam.runners.spark.translation.SparkContextFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A Spark context for {@code --sparkMaster=local[N]} batch runs, created on a thread of its own and handed to the
 * SparkRunner as its provided context ({@code --usesProvidedSparkContext},
 * {@link SparkContextFactory#setProvidedSparkContext}). The context is the one the runner would create (Spark's
 * configuration from {@code spark.*} system properties, the options' master, app name and files to stage, Beam's
 * Kryo registrator); the runner leaves a provided context running, and {@link LocalEngine#close} stops it.
 *
 * <p>A run waits for the context without any call of ours: the runner takes its context from
 * {@link SparkContextFactory#getSparkContext}, which holds the factory's class lock, and the context is created
 * holding that lock. Should the creation fail, the options go back to a context of the runner's own, so the run
 * creates it itself and fails with Spark's own error.
 *
 * <p>Only loaded when the runner is Spark: Spark's classes are on the classpath only then.
 */
final class SparkLocalEngine implements LocalEngine.Started {
  private volatile JavaSparkContext context;

  private SparkLocalEngine() {}

  static LocalEngine.Started startFor(PipelineOptions options) throws InterruptedException {
    SparkContextOptions spark = options.as(SparkContextOptions.class);
    // Spark's own spark.master system property wins over the option, as in the runner's context. Beam stages jars
    // only for other masters: a local context runs in this JVM, on its classpath.
    String master = System.getProperty("spark.master", spark.getSparkMaster());
    if (spark.getUsesProvidedSparkContext() || !master.matches("local\\[?\\d*]?")) {
      return null;
    }
    String appName = spark.getAppName();
    java.util.List<String> jars = spark.getFilesToStage();
    SparkLocalEngine engine = new SparkLocalEngine();
    spark.setUsesProvidedSparkContext(true);
    CountDownLatch locked = new CountDownLatch(1);
    Thread starter = new Thread(() -> {
      synchronized (SparkContextFactory.class) {
        locked.countDown();
        try {
          SparkConf conf = new SparkConf().setMaster(master).setAppName(appName)
              .set("spark.kryo.registrator", SparkRunnerKryoRegistrator.class.getName());
          if (jars != null && !jars.isEmpty()) {
            conf.setJars(jars.toArray(String[]::new));
          }
          engine.context = new JavaSparkContext(conf);
          SparkContextFactory.setProvidedSparkContext(engine.context);
        } catch (Throwable t) {
          System.err.println("[local engine] the Spark context did not start early (" + t + "); the run starts its own");
          spark.setUsesProvidedSparkContext(false);
        }
      }
    }, "spark-local-engine-start");
    starter.setDaemon(true);
    starter.start();
    locked.await();
    return engine;
  }

  @Override
  public void close() {
    synchronized (SparkContextFactory.class) {
      SparkContextFactory.clearProvidedSparkContext();
      if (context != null) {
        context.stop();
      }
    }
  }
}
