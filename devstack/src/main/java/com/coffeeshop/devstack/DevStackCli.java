package com.coffeeshop.devstack;

import com.coffeeshop.schemas.events.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Brings up, reports and stops the local CDC stack: a single-node Kafka broker (KRaft, broker and
 * controller combined) and a distributed-mode Kafka Connect worker running the Debezium connector,
 * each in its own JVM on loopback ports. State (logs, Kafka data) lives under {@code $COFFEE_HOME}.
 *
 * <p>Connect runs in distributed mode (a group of one) so that connector config and source offsets
 * live in Kafka topics: a restarted worker resumes from its last committed binlog position.
 */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    description = "Local Kafka + Kafka Connect (Debezium) stack.",
    subcommands = {DevStackCli.Up.class, DevStackCli.Down.class, DevStackCli.Status.class})
public class DevStackCli {
  /** Topics the system uses, all with {@link #PARTITIONS} partitions, keyed by order id where relevant. */
  static final List<String> TOPICS = Topics.ALL;

  static final int PARTITIONS = 3;
  static final String CONNECTOR = "coffeeshop-cdc";

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevStackCli()).execute(args));
  }

  /** Ports, paths and database settings, from the environment with local defaults. */
  static final class Settings {
    final Path home = Path.of(env("COFFEE_HOME", ".local")).toAbsolutePath();
    final Path repo = Path.of(env("COFFEE_REPO", ".")).toAbsolutePath();
    final int kafkaPort = Integer.parseInt(env("COFFEE_KAFKA_PORT", "9092"));
    final int controllerPort = Integer.parseInt(env("COFFEE_KAFKA_CONTROLLER_PORT", "9093"));
    final int connectPort = Integer.parseInt(env("COFFEE_CONNECT_PORT", "8083"));
    final String flavour = env("COFFEE_DB_FLAVOUR", "mariadb");
    final Path kafkaDir = home.resolve("kafka");
    final Path connectDir = home.resolve("connect");

    String bootstrap() {
      return "127.0.0.1:" + kafkaPort;
    }

    String connectUrl() {
      return "http://127.0.0.1:" + connectPort;
    }

    Path connectorFile() {
      return DevStackCli.connectorFile(repo, flavour);
    }

    Path pluginDir() {
      return repo.resolve("devstack/target/connect-plugins");
    }
  }

  /** The one connector definition of a database flavour (mariadb, mysql), shared with docker/. */
  static Path connectorFile(Path repo, String flavour) {
    return repo.resolve("docker/connect/coffeeshop-" + flavour + ".json");
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start Kafka and Connect (what is not already running), create the topics, register"
          + " the connector and wait until its task is RUNNING.")
  static class Up implements Callable<Integer> {
    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for each service (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      Settings s = new Settings();
      requireEnv("COFFEE_CDC_PASSWORD");
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      startKafka(s, timeout);
      createTopics(s);
      startConnect(s, timeout);
      registerConnector(s, timeout);
      System.out.printf(
          "[devstack] ready:%n  kafka    %s (KRaft, controller on :%d)%n  connect  %s  connector %s RUNNING%n"
              + "  topics   %s (%d partitions each)%n  logs     %s%n",
          s.bootstrap(), s.controllerPort, s.connectUrl(), CONNECTOR, String.join(", ", TOPICS),
          PARTITIONS, s.home);
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop what `up` started.")
  static class Down implements Callable<Integer> {
    @Option(names = "--only", description = "Stop only this service: connect or kafka.")
    String only;

    @Override
    public Integer call() throws Exception {
      Settings s = new Settings();
      if (only == null || only.equals("connect")) {
        stop("connect", s.connectDir.resolve("connect.pid"));
      }
      if (only == null || only.equals("kafka")) {
        stop("kafka", s.kafkaDir.resolve("kafka.pid"));
      }
      if (only != null && !Set.of("connect", "kafka").contains(only)) {
        throw new IllegalArgumentException("--only takes connect or kafka, not " + only);
      }
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Say what runs and where.")
  static class Status implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Settings s = new Settings();
      Optional<ProcessHandle> kafka = running(s.kafkaDir.resolve("kafka.pid"));
      Optional<ProcessHandle> connect = running(s.connectDir.resolve("connect.pid"));
      System.out.printf("kafka    %s%n", kafka.map(p -> "running  " + s.bootstrap() + "  pid " + p.pid()).orElse("stopped"));
      System.out.printf("connect  %s%n", connect.map(p -> "running  " + s.connectUrl() + "  pid " + p.pid()).orElse("stopped"));
      if (connect.isPresent()) {
        try {
          JsonNode st = getJson(s.connectUrl() + "/connectors/" + CONNECTOR + "/status");
          System.out.printf("connector %s: %s, tasks %s%n", CONNECTOR, st.path("connector").path("state").asText(),
              st.path("tasks").findValuesAsText("state"));
        } catch (IOException e) {
          System.out.printf("connector %s: not registered (%s)%n", CONNECTOR, e.getMessage());
        }
      }
      return 0;
    }
  }

  // ---- Kafka ----

  static void startKafka(Settings s, Duration timeout) throws Exception {
    Path pid = s.kafkaDir.resolve("kafka.pid");
    if (running(pid).isPresent()) {
      System.out.println("[devstack] kafka already runs on " + s.bootstrap());
      return;
    }
    Files.createDirectories(s.kafkaDir);
    Path data = s.kafkaDir.resolve("data");
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + s.controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + s.kafkaPort + ",CONTROLLER://127.0.0.1:" + s.controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + s.kafkaPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", data.toString());
    p.setProperty("num.partitions", String.valueOf(PARTITIONS));
    // Topics are created on purpose (here, or by Connect's topic.creation), never by a typo.
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.retention.hours", "48");
    Path config = s.kafkaDir.resolve("server.properties");
    store(p, config);
    if (!Files.exists(data.resolve("meta.properties"))) {
      Process format = javaProcess(s, "kafka-format", 256,
          List.of("kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
              "--config", config.toString(), "--standalone"), Map.of(), false);
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        throw new IllegalStateException("formatting Kafka storage failed, see " + s.kafkaDir.resolve("kafka-format.log"));
      }
    }
    Process broker = javaProcess(s, "kafka", 512, List.of("kafka.Kafka", config.toString()), Map.of(), true);
    Files.writeString(pid, String.valueOf(broker.pid()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Admin admin = admin(s)) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        break;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        if (!broker.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka did not start on " + s.bootstrap() + ", see "
              + s.kafkaDir.resolve("kafka.log"));
        }
        Thread.sleep(300);
      }
    }
    System.out.println("[devstack] kafka up on " + s.bootstrap() + " (pid " + broker.pid() + ")");
  }

  static void createTopics(Settings s) throws Exception {
    try (Admin admin = admin(s)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : TOPICS) {
        if (!existing.contains(t)) {
          missing.add(new NewTopic(t, PARTITIONS, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
        System.out.println("[devstack] created topics " + missing.stream().map(NewTopic::name).toList());
      }
    }
  }

  static Admin admin(Settings s) {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  // ---- Connect ----

  static void startConnect(Settings s, Duration timeout) throws Exception {
    Path pid = s.connectDir.resolve("connect.pid");
    if (running(pid).isPresent()) {
      System.out.println("[devstack] connect already runs on " + s.connectUrl());
      return;
    }
    if (!Files.isDirectory(s.pluginDir())) {
      throw new IllegalStateException("no Debezium plugin in " + s.pluginDir() + ": build the devstack module first"
          + " (mvn -pl devstack package)");
    }
    Files.createDirectories(s.connectDir);
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", s.bootstrap());
    p.setProperty("group.id", "coffeeshop-connect");
    p.setProperty("listeners", "http://127.0.0.1:" + s.connectPort);
    p.setProperty("rest.advertised.host.name", "127.0.0.1");
    p.setProperty("rest.advertised.port", String.valueOf(s.connectPort));
    // Compact JSON without schema envelopes: consumers parse plain objects.
    p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.setProperty("key.converter.schemas.enable", "false");
    p.setProperty("value.converter.schemas.enable", "false");
    // Connector config, source offsets (binlog positions) and status live in Kafka: they survive restarts.
    p.setProperty("config.storage.topic", "_connect-configs");
    p.setProperty("offset.storage.topic", "_connect-offsets");
    p.setProperty("status.storage.topic", "_connect-status");
    p.setProperty("config.storage.replication.factor", "1");
    p.setProperty("offset.storage.replication.factor", "1");
    p.setProperty("status.storage.replication.factor", "1");
    p.setProperty("offset.storage.partitions", "1");
    p.setProperty("status.storage.partitions", "1");
    // Commit source offsets every second: after a crash at most ~1 s of events is re-sent (at-least-once).
    p.setProperty("offset.flush.interval.ms", "1000");
    // Send each change event at once: the suggestion path is latency-bound, not throughput-bound.
    p.setProperty("producer.linger.ms", "0");
    p.setProperty("plugin.path", s.pluginDir().toString());
    p.setProperty("plugin.discovery", "service_load");
    // The connector JSON refers to ${env:…} for hosts and secrets, resolved here, never stored.
    p.setProperty("config.providers", "env");
    p.setProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    p.setProperty("topic.creation.enable", "true");
    Path config = s.connectDir.resolve("connect-distributed.properties");
    store(p, config);
    Map<String, String> env = new HashMap<>();
    env.put("COFFEE_KAFKA_BOOTSTRAP", s.bootstrap());
    env.put("COFFEE_DB_HOST", env("COFFEE_DB_HOST", "127.0.0.1"));
    env.put("COFFEE_DB_PORT", env("COFFEE_DB_PORT", "3307"));
    env.put("COFFEE_DB_NAME", env("COFFEE_DB_NAME", "coffeeshop"));
    Process connect = javaProcess(s, "connect", 768,
        List.of("org.apache.kafka.connect.cli.ConnectDistributed", config.toString()), env, true);
    Files.writeString(pid, String.valueOf(connect.pid()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        getJson(s.connectUrl() + "/connectors");
        break;
      } catch (IOException e) {
        if (!connect.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka Connect did not start on " + s.connectUrl() + ", see "
              + s.connectDir.resolve("connect.log"));
        }
        Thread.sleep(300);
      }
    }
    System.out.println("[devstack] connect up on " + s.connectUrl() + " (pid " + connect.pid() + ")");
  }

  static void registerConnector(Settings s, Duration timeout) throws Exception {
    JsonNode definition = new ObjectMapper().readTree(s.connectorFile().toFile());
    String name = definition.path("name").asText();
    if (!CONNECTOR.equals(name)) {
      throw new IllegalStateException(s.connectorFile() + " must name the connector " + CONNECTOR + ", not " + name);
    }
    HttpResponse<String> put = http().send(
        HttpRequest.newBuilder(URI.create(s.connectUrl() + "/connectors/" + CONNECTOR + "/config"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(definition.path("config").toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() >= 300) {
      String hint = put.body().contains("Access denied")
          ? "\nThe connector logs in as coffee_cdc: create the schema and users first with `devstack/coffee db-init`."
          : "";
      throw new IllegalStateException("Connect refused " + s.connectorFile() + ": HTTP " + put.statusCode() + " "
          + put.body() + hint);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        JsonNode st = getJson(s.connectUrl() + "/connectors/" + CONNECTOR + "/status");
        String connectorState = st.path("connector").path("state").asText();
        List<String> tasks = st.path("tasks").findValuesAsText("state");
        last = connectorState + " " + tasks;
        if (tasks.contains("FAILED") || "FAILED".equals(connectorState)) {
          throw new IllegalStateException("connector " + CONNECTOR + " FAILED:\n" + st.toPrettyString());
        }
        if ("RUNNING".equals(connectorState) && !tasks.isEmpty() && tasks.stream().allMatch("RUNNING"::equals)) {
          System.out.println("[devstack] connector " + CONNECTOR + " RUNNING (" + s.connectorFile().getFileName() + ")");
          return;
        }
      } catch (IOException notYet) {
        last = notYet.getMessage();
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException("connector " + CONNECTOR + " not RUNNING after " + timeout.toSeconds() + "s (" + last
        + "), see " + s.connectDir.resolve("connect.log"));
  }

  // ---- helpers ----

  static Process javaProcess(Settings s, String name, int heapMb, List<String> mainAndArgs,
      Map<String, String> extraEnv, boolean detached) throws IOException {
    Path dir = name.startsWith("kafka") ? s.kafkaDir : s.connectDir;
    List<String> cmd = new ArrayList<>();
    if (detached) {
      cmd.add("setsid"); // its own session: a Ctrl-C in the caller's terminal does not kill the service
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=classpath:com/coffeeshop/devstack/log4j2.properties",
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    pb.environment().putAll(extraEnv);
    return pb.start();
  }

  static Optional<ProcessHandle> running(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
  }

  static void stop(String name, Path pidFile) throws Exception {
    Optional<ProcessHandle> p = running(pidFile);
    if (p.isPresent()) {
      p.get().destroy(); // SIGTERM: Connect commits its offsets, Kafka flushes its logs
      try {
        p.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        p.get().destroyForcibly();
      }
      System.out.println("[devstack] stopped " + name);
    }
    Files.deleteIfExists(pidFile);
  }

  static HttpClient http() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  static JsonNode getJson(String url) throws IOException {
    try {
      HttpResponse<String> r = http().send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() >= 300) {
        throw new IOException("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
      }
      return new ObjectMapper().readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static void store(Properties p, Path file) throws IOException {
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "written by devstack; edit devstack/src/main/java/com/coffeeshop/devstack/DevStackCli.java instead");
    }
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  static void requireEnv(String name) {
    if (System.getenv(name) == null || System.getenv(name).isEmpty()) {
      throw new IllegalArgumentException(name + " is not set: the connector needs it. Run"
          + " `eval \"$(devstack/services.sh env)\"` first.");
    }
  }
}
