package com.coffeeshop.pipelines.launch;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A file of {@code runner-configs/}: the pipeline options that choose and tune a runner, one
 * {@code option=value} per line ({@code #} comments), in {@link Properties} syntax; values may use
 * {@code ${NAME}} or {@code ${NAME:-default}} from the environment. With it, {@code runner-configs/jvm.properties}:
 * the JVM flags of each job's JVM ({@link #jvmFlags}).
 *
 * <p>This is the one reader of those files in Java: the launcher ({@code devstack/run-pipeline}, through
 * {@link #main}) and the tests use it; the Airflow DAG's small Python reader is tested against it. It depends on
 * nothing but the JDK, so scripts can run it from {@code pipelines/target/classes}.
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
    Map<String, String> options = read(file);
    String runner = options.get("runner");
    if (runner == null || !BUNDLES.containsKey(runner)) {
      throw new IllegalArgumentException(file + " must name a runner: runner=" + String.join("|", new TreeMap<>(BUNDLES).keySet())
          + (runner == null ? "" : ", not '" + runner + "'"));
    }
    String name = file.getFileName().toString().replaceFirst("\\.conf$", "");
    return new RunnerConfig(name, file, Map.copyOf(options));
  }

  /** A properties file, its values expanded. */
  private static Map<String, String> read(Path file) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> values = new TreeMap<>();
    for (String k : props.stringPropertyNames()) {
      values.put(k, expand(file, k, props.getProperty(k).strip()));
    }
    return values;
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

  /**
   * Whether the config submits to a cluster: a Flink master other than Flink's embedded ones ({@code [local]},
   * {@code [auto]}, {@code [collection]}), or a Spark master other than {@code local…}. Then the job's classes must be
   * staged to the cluster ({@link #clusterJar}), and the launcher adds {@code --filesToStage} (without it, Beam stages
   * every entry of the driver's class path).
   */
  public boolean submitsToCluster() {
    return switch (runner()) {
      case "FlinkRunner" -> !options.getOrDefault("flinkMaster", "[auto]").startsWith("[");
      case "SparkRunner" -> !options.getOrDefault("sparkMaster", "local[4]").startsWith("local");
      default -> false;
    };
  }

  /** The arguments of a job on this config: {@link #args()}, plus {@code --filesToStage=<stagedJar>} for a cluster. */
  public List<String> args(Path stagedJar) {
    List<String> args = args();
    if (submitsToCluster() && !options.containsKey("filesToStage")) {
      args.add("--filesToStage=" + stagedJar);
    }
    return args;
  }

  /**
   * The JVM flags of {@code mainClass}'s JVM, from {@code jvm.properties} beside the configs: {@code jvm.all}, then
   * every {@code jvm.<prefix>} whose prefix is the class or one of its packages, shorter prefixes first.
   */
  public static List<String> jvmFlags(String mainClass) {
    Path file = directory().resolve("jvm.properties");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no " + file.toAbsolutePath() + ": the JVM flags of the jobs live there");
    }
    List<String> flags = new ArrayList<>();
    read(file).entrySet().stream()
        .filter(e -> e.getKey().equals("jvm.all") || applies(e.getKey().substring("jvm.".length()), mainClass))
        .sorted(Comparator.comparing((Map.Entry<String, String> e) -> e.getKey().equals("jvm.all") ? 0 : e.getKey().length()))
        .forEach(e -> flags.addAll(Arrays.asList(e.getValue().split("\\s+"))));
    return flags;
  }

  private static boolean applies(String prefix, String mainClass) {
    return mainClass.equals(prefix) || mainClass.startsWith(prefix + ".");
  }

  /**
   * The class-data archive flag of a runner jar ({@code <jar>.jsa}, made by the build beside the jar), or none when
   * there is no archive. The JVM maps the classes a job loads from it instead of reading them from the jar; it
   * ignores an archive that no longer matches the jar (rebuilt since), so a stale one only costs the gain.
   */
  public static List<String> classArchiveFlags(Path jar) {
    Path archive = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".jsa"));
    return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
  }

  /** The runner jar of {@code bundle} in {@code jarDir}: what the build's {@code bundle} profile makes. */
  public static Path jar(Path jarDir, String bundle) {
    return jarDir.resolve("coffeeshop-pipelines-" + bundle + ".jar");
  }

  /**
   * The jar a cluster submission of {@code bundle} stages: the runner jar without the classes the cluster runs itself
   * (Flink's, or Spark's and Scala's), which the {@code bundle} profile makes beside the runner jar.
   */
  public static Path clusterJar(Path jarDir, String bundle) {
    return jarDir.resolve("coffeeshop-pipelines-" + bundle + "-cluster.jar");
  }

  /**
   * For launch scripts, to {@code eval}: the bundle, its jar (in {@code -Dcoffee.jarDir}, default
   * {@code pipelines/target}), the jar a cluster submission stages ({@code STAGED_JAR}, empty for a local runner), the
   * JVM flags, the jar's class-data archive flag (none when the build made no
   * archive) and the config's arguments, as shell variables ({@code BUNDLE}, {@code JAR}, and the arrays
   * {@code JVM_FLAGS}, {@code CLASS_ARCHIVE} and {@code JOB_ARGS}), each value quoted. Exit code 2, with the
   * reason, for an unknown or broken config.
   *
   * <pre>usage: RunnerConfig &lt;name|path.conf&gt; &lt;MainClass&gt;</pre>
   */
  public static void main(String[] argv) {
    if (argv.length != 2) {
      System.err.println("usage: RunnerConfig <name|path.conf> <MainClass>   (configs: " + available() + ")");
      System.exit(2);
    }
    try {
      RunnerConfig c = load(argv[0]);
      Path jar = jar(Path.of(System.getProperty("coffee.jarDir", "pipelines/target")), c.bundle());
      System.out.println("BUNDLE=" + quoted(c.bundle()));
      System.out.println("JAR=" + quoted(jar.toString()));
      System.out.println("JVM_FLAGS=(" + shellWords(jvmFlags(argv[1])) + ")");
      System.out.println("CLASS_ARCHIVE=(" + shellWords(classArchiveFlags(jar)) + ")");
      Path jarDir = jar.getParent();
      System.out.println("STAGED_JAR=" + quoted(c.submitsToCluster() ? clusterJar(jarDir, c.bundle()).toString() : ""));
      System.out.println("JOB_ARGS=(" + shellWords(c.args(clusterJar(jarDir, c.bundle()))) + ")");
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  private static String shellWords(List<String> values) {
    return values.stream().map(RunnerConfig::quoted).collect(Collectors.joining(" "));
  }

  /** A value as one shell word, in single quotes. */
  private static String quoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
