package com.coffeeshop.devstack;

import com.coffeeshop.schemas.events.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    subcommands = {DevStackCli.Up.class, DevStackCli.Down.class, DevStackCli.KillBroker.class, DevStackCli.Status.class})
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
    /**
     * 1 (a single node), or 3: a three-broker KRaft cluster, every topic replicated 3 times, 2 in sync to write.
     * COFFEE_KAFKA_BROKERS, else the size of the Kafka already in {@link #kafkaDir} (so {@code down} stops it all).
     */
    final int brokers = brokerCount(env("COFFEE_KAFKA_BROKERS", installedBrokers(kafkaDir)));
    final Path connectDir = home.resolve("connect");

    /** Broker {@code n}'s client port (1-based): the first is COFFEE_KAFKA_PORT, the next ones 10 and 20 above it. */
    int brokerPort(int n) {
      return kafkaPort + 10 * (n - 1);
    }

    int controllerPort(int n) {
      return controllerPort + 10 * (n - 1);
    }

    /** Where broker {@code n} keeps its config, data, log and pid: the kafka folder itself for a single node. */
    Path brokerDir(int n) {
      return brokers == 1 ? kafkaDir : kafkaDir.resolve("broker-" + n);
    }

    int replication() {
      return brokers == 1 ? 1 : 3;
    }

    int minInSync() {
      return brokers == 1 ? 1 : 2;
    }

    String bootstrap() {
      return java.util.stream.IntStream.rangeClosed(1, brokers).mapToObj(n -> "127.0.0.1:" + brokerPort(n))
          .collect(java.util.stream.Collectors.joining(","));
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

  /** The broker count a Kafka folder was made for ({@code brokers} in it), 1 when there is none. */
  static String installedBrokers(Path kafkaDir) {
    try {
      Path marker = kafkaDir.resolve("brokers");
      return Files.exists(marker) ? Files.readString(marker).strip() : "1";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int brokerCount(String value) {
    if (!value.equals("1") && !value.equals("3")) {
      throw new IllegalArgumentException("COFFEE_KAFKA_BROKERS must be 1 (a single node) or 3 (a replicated cluster),"
          + " not '" + value + "'");
    }
    return Integer.parseInt(value);
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
          "[devstack] ready:%n  kafka    %s (KRaft, %d broker%s, replication factor %d, min.insync.replicas %d)%n"
              + "  connect  %s  connector %s RUNNING%n  topics   %s (%d partitions each)%n  logs     %s%n",
          s.bootstrap(), s.brokers, s.brokers == 1 ? "" : "s", s.replication(), s.minInSync(), s.connectUrl(),
          CONNECTOR, String.join(", ", TOPICS), PARTITIONS, s.home);
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
      if (only != null && !Set.of("connect", "kafka").contains(only) && !only.matches("kafka-[1-" + s.brokers + "]")) {
        throw new IllegalArgumentException("--only takes connect, kafka or kafka-N (a broker, 1 to " + s.brokers
            + "), not " + only);
      }
      for (int n = 1; n <= s.brokers; n++) {
        if (only == null || only.equals("kafka") || only.equals("kafka-" + n)) {
          stop(s.brokers == 1 ? "kafka" : "kafka broker " + n, s.brokerDir(n).resolve("kafka.pid"));
        }
      }
      return 0;
    }
  }

  @Command(name = "kill-broker", mixinStandardHelpOptions = true,
      description = "Kill one Kafka broker with SIGKILL, as a lost machine would die (`up` starts it again).")
  static class KillBroker implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "N", description = "The broker, 1 to COFFEE_KAFKA_BROKERS.")
    int broker;

    @Override
    public Integer call() throws Exception {
      Settings s = new Settings();
      if (broker < 1 || broker > s.brokers) {
        throw new IllegalArgumentException("no broker " + broker + ": brokers are 1 to " + s.brokers);
      }
      ProcessHandle p = running(s.brokerDir(broker).resolve("kafka.pid"))
          .orElseThrow(() -> new IllegalArgumentException("broker " + broker + " is not running"));
      p.destroyForcibly();
      p.onExit().get(30, TimeUnit.SECONDS);
      Files.deleteIfExists(s.brokerDir(broker).resolve("kafka.pid"));
      System.out.println("[devstack] killed kafka broker " + broker + " (pid " + p.pid() + ") with SIGKILL");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Say what runs and where.")
  static class Status implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Settings s = new Settings();
      for (int n = 1; n <= s.brokers; n++) {
        String addr = "127.0.0.1:" + s.brokerPort(n);
        System.out.printf("kafka%-3s %s%n", s.brokers == 1 ? "" : "-" + n,
            running(s.brokerDir(n).resolve("kafka.pid")).map(p -> "running  " + addr + "  pid " + p.pid()).orElse("stopped"));
      }
      Optional<ProcessHandle> connect = running(s.connectDir.resolve("connect.pid"));
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
    Files.createDirectories(s.kafkaDir);
    Path marker = s.kafkaDir.resolve("brokers");
    if (Files.exists(marker) && !Files.readString(marker).strip().equals(String.valueOf(s.brokers))) {
      throw new IllegalArgumentException(s.kafkaDir + " holds a Kafka of " + Files.readString(marker).strip()
          + " broker(s), not COFFEE_KAFKA_BROKERS=" + s.brokers + ": stop it and remove the folder to switch"
          + " (devstack/kafka.sh down && rm -rf " + s.kafkaDir + " " + s.connectDir + ")");
    }
    Files.writeString(marker, String.valueOf(s.brokers));
    String clusterId = Uuid.randomUuid().toString();
    List<Process> started = new ArrayList<>();
    for (int n = 1; n <= s.brokers; n++) {
      Path pid = s.brokerDir(n).resolve("kafka.pid");
      if (running(pid).isPresent()) {
        System.out.println("[devstack] kafka already runs on 127.0.0.1:" + s.brokerPort(n));
        continue;
      }
      Path config = writeBrokerConfig(s, n);
      if (!Files.exists(s.brokerDir(n).resolve("data").resolve("meta.properties"))) {
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--cluster-id", clusterId,
            "--config", config.toString()));
        if (s.brokers == 1) {
          format.add("--standalone");  // a single controller; three name each other as voters in their config
        }
        Process f = javaProcess(s.brokerDir(n), "kafka-format", 256, format, Map.of(), false);
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
          throw new IllegalStateException("formatting Kafka storage failed, see " + s.brokerDir(n).resolve("kafka-format.log"));
        }
      }
      Process broker = javaProcess(s.brokerDir(n), "kafka", 512, List.of("kafka.Kafka", config.toString()), Map.of(), true);
      Files.writeString(pid, String.valueOf(broker.pid()));
      started.add(broker);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Admin admin = admin(s)) {
        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == s.brokers) {
          break;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // not yet
      }
      if (started.stream().anyMatch(p -> !p.isAlive()) || System.nanoTime() > deadline) {
        throw new IllegalStateException("Kafka did not start on " + s.bootstrap() + ", see kafka.log in "
            + (s.brokers == 1 ? s.kafkaDir : s.kafkaDir + "/broker-N"));
      }
      Thread.sleep(300);
    }
    System.out.println("[devstack] kafka up on " + s.bootstrap());
  }

  /** Broker {@code n}'s server.properties (broker and controller in one process). */
  static Path writeBrokerConfig(Settings s, int n) throws IOException {
    Path dir = s.brokerDir(n);
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(n));
    if (s.brokers == 1) {
      p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + s.controllerPort(1));
    } else {
      p.setProperty("controller.quorum.voters", java.util.stream.IntStream.rangeClosed(1, s.brokers)
          .mapToObj(i -> i + "@127.0.0.1:" + s.controllerPort(i)).collect(java.util.stream.Collectors.joining(",")));
    }
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + s.brokerPort(n) + ",CONTROLLER://127.0.0.1:" + s.controllerPort(n));
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + s.brokerPort(n));
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toString());
    p.setProperty("num.partitions", String.valueOf(PARTITIONS));
    // Topics are created on purpose (here, or by Connect's topic.creation), never by a typo.
    p.setProperty("auto.create.topics.enable", "false");
    // Every topic, internal ones included, on every broker; a write needs two copies, so one broker may be lost.
    String rf = String.valueOf(s.replication());
    String isr = String.valueOf(s.minInSync());
    p.setProperty("default.replication.factor", rf);
    p.setProperty("min.insync.replicas", isr);
    p.setProperty("offsets.topic.replication.factor", rf);
    p.setProperty("transaction.state.log.replication.factor", rf);
    p.setProperty("transaction.state.log.min.isr", isr);
    p.setProperty("share.coordinator.state.topic.replication.factor", rf);
    p.setProperty("share.coordinator.state.topic.min.isr", isr);
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.retention.hours", "48");
    Path config = dir.resolve("server.properties");
    store(p, config);
    return config;
  }

  static void createTopics(Settings s) throws Exception {
    try (Admin admin = admin(s)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : TOPICS) {
        if (!existing.contains(t)) {
          missing.add(new NewTopic(t, PARTITIONS, (short) s.replication()));
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
    p.setProperty("config.storage.replication.factor", String.valueOf(s.replication()));
    p.setProperty("offset.storage.replication.factor", String.valueOf(s.replication()));
    p.setProperty("status.storage.replication.factor", String.valueOf(s.replication()));
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
    Process connect = javaProcess(s.connectDir, "connect", 768,
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

  /** A JVM of the devstack's class path, its output appended to {@code dir/name.log}. */
  static Process javaProcess(Path dir, String name, int heapMb, List<String> mainAndArgs,
      Map<String, String> extraEnv, boolean detached) throws IOException {
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
