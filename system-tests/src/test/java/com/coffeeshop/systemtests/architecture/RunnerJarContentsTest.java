package com.coffeeshop.systemtests.architecture;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.coffeeshop.systemtests.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The runner jars sent to Flink and Spark workers carry the jobs and what they need, and nothing of
 * the operator tools: no CLI (picocli), no CSV loader (commons-csv), no charts (JFreeChart), no tool
 * or devstack class. The tools jar, which does carry them, shows the check sees such classes.
 */
class RunnerJarContentsTest {
  private static final List<String> TOOL_ONLY = List.of(
      "picocli/", "org/apache/commons/csv/", "org/jfree/", "com/coffeeshop/tools/", "com/coffeeshop/devstack/");

  private static List<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(e -> e.getName()).toList();
    }
  }

  private static List<Path> runnerJars() throws IOException {
    Path target = Repo.path("pipelines", "target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().matches("coffeeshop-pipelines-(direct|flink|spark)\\.jar"))
          .sorted().toList();
    }
  }

  @Test
  void runnerJarsCarryTheJobsAndNoToolClasses() throws IOException {
    List<Path> jars = runnerJars();
    assertThat("the DirectRunner jar is built with -P bundle (devstack/test.sh does)", jars,
        hasItem(Repo.path("pipelines", "target", "coffeeshop-pipelines-direct.jar")));
    for (Path jar : jars) {
      List<String> entries = entries(jar);
      assertThat(jar + " carries the jobs", entries, hasItem("com/coffeeshop/pipelines/medallion/bronze/BronzeIngest.class"));
      assertThat(jar + " carries the tools' libraries", entries.stream()
          .filter(e -> TOOL_ONLY.stream().anyMatch(e::startsWith)).limit(5).toList(), empty());
    }
  }

  /**
   * Each jar registers the options of every Beam module it carries (its runner's and the IOs' included), as the
   * modules declare them: nothing is filtered out, so a new IO's options are never silently unregistered.
   */
  @Test
  void runnerJarsRegisterTheOptionsOfTheirRunnerAndOfBeamsModules() throws IOException {
    for (Path jar : runnerJars()) {
      String runner = jar.getFileName().toString().replaceAll("coffeeshop-pipelines-(\\w+)\\.jar", "$1");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        java.util.zip.ZipEntry entry = zip.getEntry("META-INF/services/org.apache.beam.sdk.options.PipelineOptionsRegistrar");
        List<String> registered = new String(zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(jar.toString(), registered, hasItem("org.apache.beam.sdk.options.DefaultPipelineOptionsRegistrar"));
        assertThat(jar.toString(), registered, hasItem("org.apache.beam.runners.direct.DirectRegistrar$Options"));
        switch (runner) {
          case "flink" -> assertThat(jar.toString(), registered, hasItem("org.apache.beam.runners.flink.FlinkRunnerRegistrar$Options"));
          case "spark" -> assertThat(jar.toString(), registered, hasItem("org.apache.beam.runners.spark.SparkRunnerRegistrar$Options"));
          default -> { }
        }
        for (String registrar : registered) {
          assertThat(jar + " holds " + registrar, zip.getEntry(registrar.replace('.', '/') + ".class") != null);
        }
      }
    }
  }

  @Test
  void theToolsJarCarriesWhatTheRunnerJarsMustNot() throws IOException {
    Path jar = Repo.path("tools", "target", "coffeeshop-tools.jar");
    assertThat("the tools jar is built with -P bundle (devstack/test.sh does): " + jar, Files.isRegularFile(jar));
    List<String> entries = entries(jar);
    for (String prefix : List.of("picocli/", "org/apache/commons/csv/", "org/jfree/", "com/coffeeshop/tools/")) {
      assertThat(entries.stream().filter(e -> e.startsWith(prefix)).limit(1).toList(), not(empty()));
    }
  }
}
