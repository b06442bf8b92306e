package com.coffeeshop.devstack;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker/compose.yaml cannot run here (no Docker engine), so it is read and checked instead. */
class DockerComposeTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    try (Reader r = Files.newBufferedReader(REPO.resolve("docker/compose.yaml"))) {
      Map<String, Object> compose = new Yaml().load(r);
      services = (Map<String, Map<String, Object>>) compose.get("services");
    }
  }

  @Test
  void hasEveryServiceTheOperationsDocNames() throws IOException {
    // docs/operations.md's Docker section lists the services as `name` in the first column of a table.
    String doc = Files.readString(REPO.resolve("docs/operations.md"));
    int start = doc.indexOf("## The Docker stack");
    assertThat("docs/operations.md has a section '## The Docker stack'", start, not(-1));
    String section = doc.substring(start);
    section = section.substring(0, section.indexOf("\n## ", 5) < 0 ? section.length() : section.indexOf("\n## ", 5));
    List<String> named = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|").matcher(section);
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat("the operations doc names services", named, not(empty()));
    assertThat(services.keySet(), hasItems(named.toArray(String[]::new)));
    assertThat(services.keySet(), hasItems("mysql", "kafka", "connect", "connect-init", "redis",
        "flink-jobmanager", "flink-taskmanager", "spark-master", "spark-worker", "airflow"));
  }

  @Test
  void publishedHostPortsDoNotCollide() {
    Map<String, String> owner = new HashMap<>();
    List<String> collisions = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      Object ports = s.getValue().get("ports");
      if (ports == null) {
        continue;
      }
      for (Object p : (List<?>) ports) {
        String host = p.toString().split(":")[0];
        String previous = owner.putIfAbsent(host, s.getKey());
        if (previous != null) {
          collisions.add(host + " (" + previous + ", " + s.getKey() + ")");
        }
      }
    }
    assertThat(collisions, is(empty()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void mountsTheConnectorDefinitionTheLocalStackUses() throws IOException {
    List<String> volumes = (List<String>) services.get("connect-init").get("volumes");
    String source = volumes.get(0).split(":")[0];
    Path mounted = REPO.resolve("docker").resolve(source).normalize();
    assertThat(mounted, is(DevStackCli.connectorFile(REPO, "mysql")));
    assertThat(Files.exists(mounted), is(true));
    // The two flavours are one definition: they may differ in the connector class only.
    ObjectMapper json = new ObjectMapper();
    JsonNode mysql = json.readTree(mounted.toFile());
    JsonNode mariadb = json.readTree(DevStackCli.connectorFile(REPO, "mariadb").toFile());
    ((ObjectNode) mysql.get("config")).remove("connector.class");
    ((ObjectNode) mariadb.get("config")).remove("connector.class");
    assertThat(mysql, is(mariadb));
  }

  @Test
  @SuppressWarnings("unchecked")
  void holdsNoSecrets() throws IOException {
    List<String> values = new ArrayList<>();
    for (Map<String, Object> s : services.values()) {
      Object env = s.get("environment");
      if (env instanceof Map<?, ?> map) {
        map.forEach((k, v) -> {
          if (k.toString().contains("PASSWORD")) {
            values.add(String.valueOf(v));
          }
        });
      }
    }
    assertThat(values, not(empty()));
    assertThat(values, everyItem(matchesPattern("\\$\\{[A-Z_]+:\\?[^}]*}")));
    for (String flavour : List.of("mariadb", "mysql")) {
      JsonNode config = new ObjectMapper().readTree(DevStackCli.connectorFile(REPO, flavour).toFile()).get("config");
      assertThat(config.get("database.password").asText(), is("${env:COFFEE_CDC_PASSWORD}"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void airflowRunsTheRepositorysDagWithItsPinnedRequirementsAndSharesTheLakehouse() throws IOException {
    Map<String, Object> airflow = services.get("airflow");
    List<String> volumes = (List<String>) airflow.get("volumes");
    assertThat(volumes, hasItems("../airflow/dags:/opt/airflow/dags:ro", "../runner-configs:/opt/coffeeshop/runner-configs:ro",
        "lakehouse:/lakehouse", "../.local/reports:/reports"));
    assertThat(((Map<String, Object>) airflow.get("environment")).get("COFFEESHOP_REPORTS"), is("/reports"));
    // The KPI report runs from the tools' jar, which is not in the runner jars' folder.
    assertThat(volumes, hasItems("../tools/target:/opt/coffeeshop/tools:ro"));
    assertThat(((Map<String, Object>) airflow.get("environment")).get("COFFEESHOP_TOOLS_JAR"),
        is("/opt/coffeeshop/tools/coffeeshop-tools.jar"));
    Path dockerfile = REPO.resolve("docker").resolve(((Map<String, String>) airflow.get("build")).get("context"))
        .normalize().resolve(((Map<String, String>) airflow.get("build")).get("dockerfile"));
    String text = Files.readString(dockerfile);
    assertThat(text, org.hamcrest.Matchers.containsString("COPY airflow/dags/requirements.txt"));
    assertThat("the KPI charts need a font", text, org.hamcrest.Matchers.containsString("fonts-dejavu-core"));
    assertThat(text, org.hamcrest.Matchers.containsString("openjdk-17"));
    for (String worker : List.of("flink-taskmanager", "spark-worker")) {
      assertThat(worker, (List<String>) services.get(worker).get("volumes"), hasItems("lakehouse:/lakehouse"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void runnerWorkersHaveTheDatabasePasswordsTheJobsReadThere() {
    for (String worker : List.of("flink-taskmanager", "spark-worker")) {
      Map<String, Object> env = (Map<String, Object>) services.get(worker).get("environment");
      assertThat(worker, env, org.hamcrest.Matchers.hasKey("COFFEE_APP_PASSWORD"));
      assertThat(worker, env, org.hamcrest.Matchers.hasKey("COFFEE_BATCH_PASSWORD"));
      assertThat(worker, String.valueOf(env.get("COFFEE_APP_PASSWORD")), matchesPattern("\\$\\{COFFEE_APP_PASSWORD:\\?[^}]*}"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void redisKeepsItsDataAcrossARestart() {
    Map<String, Object> redis = services.get("redis");
    List<String> command = (List<String>) redis.get("command");
    assertThat(String.join(" ", command), org.hamcrest.Matchers.containsString("--appendonly yes"));
    assertThat((List<String>) redis.get("volumes"), hasItems("redis-data:/data"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void flinkRunsTheVersionAndSettingsOfTheLocalClusterWithCheckpointsOnASharedVolume() throws Exception {
    String script = Files.readString(REPO.resolve("devstack/cluster.sh"));
    for (String flink : List.of("flink-jobmanager", "flink-taskmanager")) {
      Map<String, Object> service = services.get(flink);
      assertThat(flink + " runs Flink 1.19.0 exactly", String.valueOf(service.get("image")), startsWith("flink:1.19.0-"));
      String properties = String.valueOf(((Map<String, Object>) service.get("environment")).get("FLINK_PROPERTIES"));
      Matcher dir = Pattern.compile("(?m)^state.checkpoints.dir: file://(/\\S+)$").matcher(properties);
      assertThat(flink + " keeps checkpoints on disk", dir.find(), is(true));
      assertThat(flink, (List<String>) service.get("volumes"), hasItems("flink-checkpoints:" + dir.group(1)));
      for (String key : List.of("taskmanager.numberOfTaskSlots", "taskmanager.network.sort-shuffle.min-buffers",
          "taskmanager.memory.jvm-metaspace.size", "classloader.check-leaked-classloader")) {
        assertThat(flink + " sets " + key + " as devstack/cluster.sh does", properties, containsString(key + ": "));
        assertThat("devstack/cluster.sh sets " + key, script, containsString(key + ": "));
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaRunsThreeBrokersThatReplicateEveryTopic() {
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      Map<String, Object> env = (Map<String, Object>) services.get(broker).get("environment");
      assertThat(broker, String.valueOf(services.get(broker).get("image")), is("apache/kafka:4.3.0"));
      assertThat(broker, String.valueOf(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")), is("3"));
      assertThat(broker, String.valueOf(env.get("KAFKA_MIN_INSYNC_REPLICAS")), is("2"));
      assertThat(broker, String.valueOf(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")), is("3"));
    }
    Map<String, Object> connect = (Map<String, Object>) services.get("connect").get("environment");
    for (String topic : List.of("CONFIG", "OFFSET", "STATUS")) {
      assertThat(topic, String.valueOf(connect.get(topic + "_STORAGE_REPLICATION_FACTOR")), is("3"));
    }
  }
}
