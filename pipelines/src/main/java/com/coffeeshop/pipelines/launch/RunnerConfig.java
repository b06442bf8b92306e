package com.coffeeshop.pipelines.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A file of {@code runner-configs/}: the pipeline options that choose and tune a runner, one
 * {@code option=value} per line ({@code #} comments), in {@link Properties} syntax; values may use
 * {@code ${NAME}} or {@code ${NAME:-default}} from the environment. This is the one
 * reader of those files in Java: the launcher ({@code devstack/run-pipeline}, through {@link #main})
 * and the tests use it; the Airflow DAG's small Python reader is tested against it.
 *
 * <p>Depends on nothing but the JDK, so scripts can run it from {@code pipelines/target/classes}.
 */
public record RunnerConfig(String name, Path file, Map<String, String> options) {
  /** The runners a config may name, and the bundled jar that carries each. */
  public static final Map<String, String> BUNDLES = Map.of(
      "DirectRunner", "direct", "FlinkRunner", "flink", "SparkRunner", "spark");

  /** The folder of the configs: {@code -Dcoffee.runnerConfigs}, {@code $COFFEE_RUNNER_CONFIGS}, or ./runner-configs. */
  public static Path directory() {
    String dir = System.getProperty("coffee.runnerConfigs", System.getenv("COFFEE_RUNNER_CONFIGS"));
    return Path.of(dir != null ? dir : "runner-configs");
  }

  /**
   * Loads a config by name (a file of {@link #directory()}, without {@code .conf}) or by path.
   *
   * @throws IllegalArgumentException naming the available configs when there is no such file, or
   *     when the file names no runner or an unknown one
   */
  public static RunnerConfig load(String nameOrPath) {
    Path file = Path.of(nameOrPath);
    if (!Files.isRegularFile(file)) {
      file = directory().resolve(nameOrPath + ".conf");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no runner config '" + nameOrPath + "': expected a file, or one of "
          + available() + " in " + directory().toAbsolutePath());
    }
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read runner config " + file, e);
    }
    Map<String, String> options = new TreeMap<>();
    for (String k : props.stringPropertyNames()) {
      options.put(k, expand(file, k, props.getProperty(k).strip()));
    }
    String runner = options.get("runner");
    if (runner == null || !BUNDLES.containsKey(runner)) {
      throw new IllegalArgumentException(file + " must name a runner: runner=" + String.join("|", new TreeMap<>(BUNDLES).keySet())
          + (runner == null ? "" : ", not '" + runner + "'"));
    }
    String name = file.getFileName().toString().replaceFirst("\\.conf$", "");
    return new RunnerConfig(name, file, Map.copyOf(options));
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  /**
   * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a value with the environment variable
   * (so a config can put durable state under {@code $COFFEE_HOME}); an unset variable without a
   * default is an error naming it.
   */
  static String expand(Path file, String option, String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = System.getenv(m.group(1));
      if (v == null || v.isEmpty()) {
        v = m.group(2);
      }
      if (v == null) {
        throw new IllegalArgumentException(file + ": option " + option + " uses ${" + m.group(1) + "}, which is not set;"
            + " export it or give a default as ${" + m.group(1) + ":-value}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The names of the configs in {@link #directory()}, sorted. */
  public static List<String> available() {
    try (Stream<Path> files = Files.list(directory())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
          .map(n -> n.substring(0, n.length() - ".conf".length())).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public String runner() {
    return options.get("runner");
  }

  /** {@code direct}, {@code flink} or {@code spark}: which bundled jar puts this runner on the classpath. */
  public String bundle() {
    return BUNDLES.get(runner());
  }

  /** The options as {@code --option=value} arguments, sorted by option. */
  public List<String> args() {
    List<String> args = new ArrayList<>();
    new TreeMap<>(options).forEach((k, v) -> args.add("--" + k + "=" + v));
    return args;
  }

  /** The JVM flags every pipeline JVM needs on Java 17 (Spark, Flink and Arrow reach into the JDK). */
  public static String jvmFlags() {
    try (InputStream in = RunnerConfig.class.getResourceAsStream("java17.flags")) {
      if (in == null) {
        throw new IllegalStateException("java17.flags is missing beside RunnerConfig: rebuild the pipelines module");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The extra JVM flags of a batch job's JVM (the medallion steps, the revenue job): the throughput
   * collector. A batch step allocates a record or more per row and keeps little alive, and on 2 cores
   * G1's concurrent work competes with the step for CPU: on the design-load day the whole batch took
   * 79.4 s instead of 85.9 s on Flink and 83.2 s instead of 109.8 s on Spark (median of 3, see the README's
   * benchmarks). The streaming job keeps the JVM's default (G1), whose pauses are shorter. The Airflow DAG
   * sets the same flags ({@code BATCH_JVM_FLAGS} there; a test compares them).
   */
  public static final String BATCH_JVM_FLAGS = "-XX:+UseParallelGC";

  /** Whether {@code mainClass} is one of the bounded jobs, whose JVMs get {@link #BATCH_JVM_FLAGS}. */
  public static boolean isBatchJob(String mainClass) {
    return mainClass.startsWith("com.coffeeshop.pipelines.medallion.")
        || mainClass.startsWith("com.coffeeshop.pipelines.revenue.");
  }

  /**
   * The extra JVM flags of a short step's JVM ({@link #SHORT_STEPS}): the JIT's first tier only (C1). A gold step
   * does a few seconds of work, too little for C2's compilations, which compete with it for the 2 cores, to pay
   * back: on the design-load day facts took 6.3 s instead of 7.3 s on Flink and 6.4 s instead of 8.2 s on Spark,
   * dimensions 4.5 s instead of 5.0 s (median of 3), while silver, which runs for 20 s, took 23.2 s instead of
   * 21.4 s. The Airflow DAG sets the same flags ({@code SHORT_STEP_JVM_FLAGS} there; a test compares them).
   */
  public static final String SHORT_STEP_JVM_FLAGS = "-XX:TieredStopAtLevel=1";

  /** The jobs whose JVMs get {@link #SHORT_STEP_JVM_FLAGS}: the gold steps. */
  public static final java.util.Set<String> SHORT_STEPS = java.util.Set.of(
      "com.coffeeshop.pipelines.medallion.GoldDimensions", "com.coffeeshop.pipelines.medallion.GoldFacts");

  /**
   * The JVM flags of {@code mainClass}'s JVM: {@link #jvmFlags}, for a batch job {@link #BATCH_JVM_FLAGS}, and for a
   * short step {@link #SHORT_STEP_JVM_FLAGS}.
   */
  public static String jvmFlags(String mainClass) {
    String flags = isBatchJob(mainClass) ? jvmFlags() + " " + BATCH_JVM_FLAGS : jvmFlags();
    return SHORT_STEPS.contains(mainClass) ? flags + " " + SHORT_STEP_JVM_FLAGS : flags;
  }

  /**
   * For launch scripts: prints, one per line, the bundle ({@code direct|flink|spark}), the JVM flags
   * (of {@code MainClass}'s JVM, when given), then the config's arguments. Exit code 2, with the reason,
   * for an unknown or broken config.
   */
  public static void main(String[] argv) {
    if (argv.length != 1 && argv.length != 2) {
      System.err.println("usage: RunnerConfig <name|path.conf> [MainClass]   (configs: " + available() + ")");
      System.exit(2);
    }
    try {
      RunnerConfig c = load(argv[0]);
      System.out.println(c.bundle());
      System.out.println(argv.length == 2 ? jvmFlags(argv[1]) : jvmFlags());
      c.args().forEach(System.out::println);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }
}
