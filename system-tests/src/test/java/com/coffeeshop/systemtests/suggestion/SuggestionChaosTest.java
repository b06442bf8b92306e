package com.coffeeshop.systemtests.suggestion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.coffeeshop.schemas.events.Topics;
import com.coffeeshop.systemtests.testing.KafkaTopics;
import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.Repo;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import com.coffeeshop.systemtests.testing.SuggestionJob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The suggestion job on a bad day, on the runner under test and the real stack: the job runs in its
 * own JVM (so it can be killed), a seeded generator writes orders (20 % eligible) and each test breaks
 * one thing while orders flow: the job killed with SIGKILL, the job stopped while orders keep coming,
 * Kafka restarted, Redis restarted empty, MariaDB restarted. After each, without anyone re-running
 * anything: every eligible order committed so far has exactly one suggestion line in MySQL and exactly
 * one distinct suggestion on {@code order_suggestion_accepted}, no other order has one, and no order
 * of the run is in the dead-letter topic. A last test kills the job while Redis hangs, so that records
 * were read but none of their effects was done (not on the DirectRunner, whose reads are finalized before
 * their effects). Replayed duplicates on the topic (same suggestion, published
 * again after a restart; the delivery contract allows them) are counted and printed. A job that fails
 * by itself is started again, as its supervisor would; those restarts are counted and printed too.
 *
 * <p>{@code -Dchaos.ordersPerFault} (default 150) and {@code -Dchaos.ordersPerSecond} (default 20) set
 * the load; {@code devstack/chaos.sh} runs the long version and prints the table.
 */
@OnEveryRunner
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuggestionChaosTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_FAULT = Integer.getInteger("chaos.ordersPerFault", 150);
  private static final String RATE = System.getProperty("chaos.ordersPerSecond", "20");
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
  private static final int DISCOUNT = 15;
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(Long.getLong("chaos.catchUpLimitSeconds", 240));

  private static LandingZoneDatabase db;
  private static SuggestionJob job;
  private static String group;
  private static LocalDateTime runStart;
  private static Map<TopicPartition, Long> suggestionsStart;
  private static Map<TopicPartition, Long> deadLettersStart;
  private static final List<String> REPORT = new ArrayList<>();
  private static int batch;
  private static int probes;

  @BeforeAll
  static void startTheJob() throws Exception {
    db = LandingZoneDatabase.existing(env("COFFEE_DB_NAME", "coffeeshop"));
    db.cli("warm-cache", "--redis-port", env("COFFEE_REDIS_PORT", "6380"));
    group = "chaos-" + UUID.randomUUID();
    KafkaTopics.commitEndOffsets(group, Topics.CDC_ORDERS, Topics.CDC_CUSTOMERS, Topics.CDC_PRODUCTS, Topics.CDC_PAYMENT_METHODS);
    suggestionsStart = KafkaTopics.endOffsets(Topics.SUGGESTIONS_ACCEPTED);
    deadLettersStart = KafkaTopics.endOffsets(Topics.SUGGESTIONS_DEAD_LETTERS);
    runStart = LocalDateTime.now(ZoneOffset.UTC);
    // Its own discount, so the check can tell that every suggestion of the run is this job's.
    job = new SuggestionJob(db, group, "--discountPercent=" + DISCOUNT);
    job.start();
    awaitTheJobAnswering();
    System.out.printf("[chaos] runner config %s, %d orders per fault at %s orders/s, seed %d, job log %s%n",
        RunnerUnderTest.config().name(), PER_FAULT, RATE, SEED, job.log);
  }

  @AfterAll
  static void stopTheJob() throws Exception {
    if (job != null) {
      job.stop();
    }
    System.out.println("[chaos] runner config " + RunnerUnderTest.config().name());
    System.out.printf("[chaos] %-24s %7s %8s %9s %5s %11s %9s %9s %9s%n", "fault", "orders", "eligible", "suggested",
        "lost", "dup. lines", "replayed", "catch-up", "restarts");
    REPORT.forEach(System.out::println);
  }

  @Test
  @Order(1)
  void aJobKilledMidLoadAndRestartedLosesAndRepeatsNothing() throws Exception {
    breakMidLoad("job killed (SIGKILL)", () -> {
      job.kill();
      Thread.sleep(5_000);
      job.start();
    });
  }

  @Test
  @Order(2)
  void aJobStoppedWhileOrdersKeepComingCatchesUpAfterItsRestart() throws Exception {
    job.stop();
    generate(PER_FAULT).get(5, TimeUnit.MINUTES);
    job.start();
    assertEverythingCaughtUp("job stopped, orders sent", System.nanoTime());
  }

  @Test
  @Order(3)
  void aKafkaRestartMidLoadLosesNothing() throws Exception {
    breakMidLoad("Kafka restarted", () -> {
      devstack("kafka.sh", "down", "--only", "kafka");
      devstack("kafka.sh", "up");
    });
  }

  @Test
  @Order(4)
  void aRedisRestartedEmptyIsReloadedByTheJobAndNoOrderIsDeadLettered() throws Exception {
    breakMidLoad("Redis restarted empty", () -> devstack("services.sh", "restart", "redis"));
  }

  @Test
  @Order(5)
  void aMariadbRestartBetweenOrdersLosesNothing() throws Exception {
    generate(PER_FAULT / 2).get(5, TimeUnit.MINUTES);
    // The generator cannot write while MariaDB is down; the job meanwhile still has orders to record.
    devstack("services.sh", "restart", "mariadb");
    long back = System.nanoTime();
    generate(PER_FAULT - PER_FAULT / 2).get(5, TimeUnit.MINUTES);
    assertEverythingCaughtUp("MariaDB restarted", back);
  }

  @Test
  @Order(6)
  void aJobKilledWhileItsEffectsHangLosesNothing() throws Exception {
    assumeFalse("DirectRunner".equals(RunnerUnderTest.config().options().get("runner")),
        "the DirectRunner finalizes a read before its records' effects; crash safety is promised on Flink and Spark");
    if ("SparkRunner".equals(RunnerUnderTest.config().options().get("runner"))) {
      // More task slots than the topic has partitions, as on a cluster: while a micro-batch hangs, Spark reads
      // the next ones on the free slots (on local[2] the hung tasks hold every slot and reading stops too).
      job.stop();
      job = new SuggestionJob(db, group, "--discountPercent=" + DISCOUNT, "--sparkMaster=local[4]");
      job.start();
      awaitTheJobAnswering();
    }
    // Redis hangs: every order read from now on stops in the rule check, before its effects, while the job
    // goes on reading until it is killed.
    devstack("services.sh", "freeze", "redis");
    try {
      generate(PER_FAULT / 2).get(5, TimeUnit.MINUTES);
      Thread.sleep(8_000);
      job.kill();
    } finally {
      devstack("services.sh", "thaw", "redis");
    }
    job.start();
    assertEverythingCaughtUp("job killed, Redis hung", System.nanoTime());
  }

  /**
   * MySQL down for longer than the job's retry budget while eligible orders wait in Kafka: each effect gives up,
   * its bundle fails, and the runner replays it (Flink restarts from its last checkpoint by itself; on Spark the job
   * ends and its supervisor starts it again). Once MySQL is back, every order is suggested once and the group's
   * committed offsets on the orders topic return to the log's end within a minute, with nobody's help.
   */
  @Test
  @Order(7)
  void anOutageLongerThanTheRetryBudgetLosesNothingAndTheCommitsCatchUp() throws Exception {
    assumeFalse("DirectRunner".equals(RunnerUnderTest.config().options().get("runner")),
        "the delivery contract under faults is promised on Flink and Spark");
    job.stop();
    generate(PER_FAULT).get(5, TimeUnit.MINUTES);
    devstack("services.sh", "stop", "mariadb");
    long back;
    try {
      job = new SuggestionJob(db, group, "--discountPercent=" + DISCOUNT, "--effectRetrySeconds=" + OUTAGE_BUDGET_SECONDS);
      job.start();
      long until = System.nanoTime() + Duration.ofSeconds(OUTAGE_SECONDS).toNanos();
      while (System.nanoTime() < until) {
        job.superviseIfExited();
        Thread.sleep(500);
      }
    } finally {
      devstack("services.sh", "up");
    }
    back = System.nanoTime();
    assertEverythingCaughtUp("MySQL down > retry budget", back);
    assertThat("the job said it gave up on an effect", Files.readString(job.log),
        containsString("still failing after " + OUTAGE_BUDGET_SECONDS + " s of retries"));
    Map<TopicPartition, Long> end = KafkaTopics.endOffsets(Topics.CDC_ORDERS);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Map<TopicPartition, Long> committed;
    do {
      job.superviseIfExited();
      committed = KafkaTopics.committed(group, Topics.CDC_ORDERS);
      if (committed.equals(end)) {
        break;
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    System.out.printf("[chaos] after the outage: committed %s, log end %s, %.1f s after MySQL came back; the job"
        + " restarted by its supervisor %d times in all%n", committed, end, (System.nanoTime() - back) / 1e9,
        job.unplannedRestarts());
    assertThat("the committed offsets reached the log's end within a minute of MySQL's return", committed, is(end));
  }

  /**
   * On a Flink session cluster (tag cluster, {@code -P flink-cluster}): the TaskManager running the job's tasks dies
   * with SIGKILL mid-load, as a lost machine would. Flink restarts the tasks on the other TaskManager from the last
   * checkpoint, with nobody's help; the dead one is started again afterwards.
   */
  @Test
  @Order(8)
  @Tag("cluster")
  void aTaskManagerKilledMidLoadLosesNothing() throws Exception {
    assumeTrue(RunnerUnderTest.config().submitsToCluster(), "a TaskManager to kill needs a Flink cluster");
    URI rest = URI.create("http://" + RunnerUnderTest.config().options().get("flinkMaster") + "/");
    String busy = null;
    for (JsonNode tm : JSON.readTree(rest.resolve("taskmanagers").toURL()).path("taskmanagers")) {
      if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()) {
        busy = tm.path("id").asText();
      }
    }
    assertThat("a TaskManager runs the job's tasks", busy, is(notNullValue()));
    String which = busy.substring(busy.lastIndexOf('-') + 1);
    try {
      breakMidLoad("TaskManager killed (SIGKILL)", () -> devstack("cluster.sh", "kill-taskmanager", which));
    } finally {
      devstack("cluster.sh", "up", "flink");
    }
    assertThat("Flink restarted the tasks; the launcher was not restarted", job.unplannedRestarts(), is(0));
  }

  /**
   * On a Flink session cluster (tag cluster): the JobManager dies with SIGKILL mid-load. A standalone JobManager
   * forgets its jobs: the launcher fails once the JobManager is back without its job, and its supervisor (here the
   * test, as {@code devstack/suggestion-job.sh} would) submits it again. The new job resumes from its consumer group's
   * offsets, which the last completed checkpoint committed, and is not restored from that checkpoint: with Beam
   * 2.62 a restored job reads each split twice from then on (apache/beam#31313; measured, see docs/clusters.md).
   * So every order written after the resubmission is published once.
   */
  @Test
  @Order(10)
  @Tag("cluster")
  void aJobManagerKilledMidLoadIsResubmittedFromTheGroupsOffsetsAndLosesNothing() throws Exception {
    assumeTrue(RunnerUnderTest.config().submitsToCluster(), "a JobManager to kill needs a Flink cluster");
    URI rest = URI.create("http://" + RunnerUnderTest.config().options().get("flinkMaster") + "/");
    int restartsBefore = job.unplannedRestarts();
    // The TaskManagers may finish the orders in flight before they notice their JobManager is gone; the launcher
    // notices once the JobManager is back without its job.
    breakMidLoad("JobManager killed (SIGKILL)", () -> {
      devstack("cluster.sh", "kill-jobmanager");
      devstack("cluster.sh", "up", "flink");
    });
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!(job.unplannedRestarts() > restartsBefore && jobRunning(rest)) && System.nanoTime() < deadline) {
      job.superviseIfExited();
      Thread.sleep(500);
    }
    assertThat("the launcher was started again by its supervisor", job.unplannedRestarts(), greaterThan(restartsBefore));
    assertThat("the resubmitted job runs on the cluster", jobRunning(rest), is(true));
    LocalDateTime resubmitted = LocalDateTime.now(ZoneOffset.UTC);
    generate(PER_FAULT).get(5, TimeUnit.MINUTES);
    assertEverythingCaughtUp("resubmitted after the JM", System.nanoTime());
    // A job with two readers of a split (apache/beam#31313, on a restore from a checkpoint) would publish every later
    // order twice; one resubmitted from the group's offsets publishes each once.
    Set<String> after = new HashSet<>(db.rows("SELECT id FROM orders WHERE `timestamp` >= '" + resubmitted + "'"));
    Map<String, Long> records = new HashMap<>();
    KafkaTopics.readToEnd(suggestionsStart).stream().filter(r -> after.contains(r.key()))
        .forEach(r -> records.merge(r.key(), 1L, Long::sum));
    List<String> twice = records.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    System.out.printf("[chaos] after the resubmission: %d orders suggested, %d of them published more than once%n",
        records.size(), twice.size());
    assertThat("orders written after the resubmission had a suggestion", records.size(), greaterThan(0));
    assertThat("orders written after the resubmission published more than once", twice, is(empty()));
  }

  private static boolean jobRunning(URI rest) {
    try {
      for (JsonNode j : JSON.readTree(rest.resolve("jobs/overview").toURL()).path("jobs")) {
        if (j.path("name").asText().startsWith("suggestionpipeline-") && j.path("state").asText().equals("RUNNING")) {
          return true;
        }
      }
      return false;
    } catch (IOException jobManagerNotBackYet) {
      return false;
    }
  }

  /**
   * On a three-broker Kafka (tag cluster, {@code devstack/cluster.sh up kafka3}): every topic, Connect's and Kafka's
   * internal ones included, has 3 replicas and needs 2 in sync; then the broker leading the first partition of
   * {@code cdc.orders} dies with SIGKILL mid-load. Connect, the job and its dead-letter output carry on with nobody's
   * help; the broker is started again afterwards.
   */
  @Test
  @Order(9)
  @Tag("cluster")
  void aKafkaBrokerKilledMidLoadLosesNothing() throws Exception {
    assumeTrue("3".equals(System.getenv("COFFEE_KAFKA_BROKERS")), "a broker to kill needs the three-broker Kafka");
    Map<String, String> replication = KafkaTopics.replication();
    for (String topic : List.of(Topics.CDC_ORDERS, Topics.SUGGESTIONS_ACCEPTED, Topics.SUGGESTIONS_DEAD_LETTERS,
        "_connect-configs", "_connect-offsets", "_connect-status", "__consumer_offsets", "coffeeshop.schema-history")) {
      assertThat(topic + "'s replicas/min.insync.replicas in " + replication, replication.get(topic), is("3/2"));
    }
    int leader = KafkaTopics.leaderOfFirstPartition(Topics.CDC_ORDERS);
    try {
      breakMidLoad("Kafka broker killed", () -> devstack("kafka.sh", "kill-broker", String.valueOf(leader)));
    } finally {
      devstack("kafka.sh", "up");
    }
  }

  /** The outage test's retry budget and outage ({@code devstack/chaos.sh}: 60 s and 90 s). */
  private static final int OUTAGE_BUDGET_SECONDS = Integer.getInteger("chaos.retryBudgetSeconds", 5);
  private static final long OUTAGE_SECONDS = Long.getLong("chaos.outageSeconds", 20);

  /** Something that breaks (and brings back) a part of the stack. */
  private interface Fault {
    void inject() throws Exception;
  }

  /** Writes one fault's orders and injects the fault about a third of the way in, then checks. */
  private static void breakMidLoad(String name, Fault fault) throws Exception {
    CompletableFuture<Void> load = generate(PER_FAULT);
    Thread.sleep((long) (PER_FAULT / Double.parseDouble(RATE) * 1000 / 3));
    fault.inject();
    long back = System.nanoTime();
    load.get(5, TimeUnit.MINUTES);
    assertEverythingCaughtUp(name, back);
  }

  /** Faults must hit a job that is processing, not one still starting: wait for a first suggestion. */
  private static void awaitTheJobAnswering() throws Exception {
    LocalDateTime probeStart = LocalDateTime.now(ZoneOffset.UTC);
    db.cli("generate-orders", "--orders", "3", "--rate", "0", "--eligible-share", "1", "--seed", String.valueOf(SEED - ++probes));
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (db.scalar("SELECT COUNT(*) FROM order_details d JOIN orders o ON o.id = d.order_id WHERE o.`timestamp` >= '"
        + probeStart + "' AND d.is_suggestion = 1") < 3) {
      job.superviseIfExited();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the suggestion job gave no suggestion within 3 minutes of its start; see " + job.log);
      }
      Thread.sleep(250);
    }
  }

  // ---- the check ----

  /**
   * Waits until every eligible order of the run has its suggestion in MySQL and on the topic (or the
   * limit passes), then asserts the whole promise and adds a line to the report.
   */
  private static void assertEverythingCaughtUp(String fault, long backNanos) throws Exception {
    String window = "o.`timestamp` >= '" + runStart + "'";
    Set<String> orders = new HashSet<>(db.rows("SELECT o.id FROM orders o WHERE " + window));
    Set<String> eligible = new HashSet<>(db.rows("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id"
        + " JOIN payment_methods p ON p.id = o.payment_method_id WHERE " + window
        + " AND c.tier = 'diamond' AND p.method_name = 'Bank Transfer' AND p.bank = 'ACB'"));
    assertThat(eligible.size(), greaterThan(0));
    long deadline = backNanos + CATCH_UP_LIMIT.toNanos();
    Map<String, Long> lines;
    Map<String, Set<String>> published;
    List<ConsumerRecord<String, String>> records;
    do {
      job.superviseIfExited();
      lines = suggestionLines(window);
      records = KafkaTopics.readToEnd(suggestionsStart);
      published = distinctSuggestions(records);
      if (lines.keySet().containsAll(eligible) && published.keySet().containsAll(eligible)) {
        break;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    double catchUp = (System.nanoTime() - backNanos) / 1e9;

    Set<String> lost = new HashSet<>(eligible);
    lost.removeAll(lines.keySet());
    Set<String> unpublished = new HashSet<>(eligible);
    unpublished.removeAll(published.keySet());
    List<String> duplicateLines = lines.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    List<String> notOurs = db.rows("SELECT d.order_id FROM order_details d JOIN orders o ON o.id = d.order_id WHERE "
        + window + " AND d.is_suggestion = 1 AND d.discount_percent <> " + DISCOUNT);
    Set<String> wrong = new HashSet<>(lines.keySet());
    wrong.removeAll(eligible);
    Set<String> wrongPublished = new HashSet<>(published.keySet());
    wrongPublished.retainAll(orders);
    wrongPublished.removeAll(eligible);
    List<String> conflicting = published.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(Map.Entry::getKey).toList();
    long ofThisRun = records.stream().filter(r -> orders.contains(r.key())).count();
    long replayed = ofThisRun - published.keySet().stream().filter(orders::contains).count();
    List<String> deadLettered = new ArrayList<>();
    for (ConsumerRecord<String, String> r : KafkaTopics.readToEnd(deadLettersStart)) {
      String key = JSON.readTree(r.value()).path("key").asText("");
      if (orders.contains(key)) {
        deadLettered.add(key + ": " + JSON.readTree(r.value()).path("reason").asText());
      }
    }

    REPORT.add(String.format("[chaos] %-24s %7d %8d %9d %5d %11d %9d %8.1fs %9d", fault, orders.size(), eligible.size(),
        lines.size(), lost.size(), duplicateLines.size(), replayed, catchUp, job.unplannedRestarts()));
    assertThat("eligible orders without a suggestion line after: " + fault, lost, is(empty()));
    assertThat("eligible orders without a suggestion on the topic after: " + fault, unpublished, is(empty()));
    assertThat("orders with more than one suggestion line", duplicateLines, is(empty()));
    assertThat("ineligible orders with a suggestion line", wrong, is(empty()));
    assertThat("ineligible orders with a published suggestion", wrongPublished, is(empty()));
    assertThat("orders published with two different suggestions", conflicting, is(empty()));
    assertThat("valid orders in the dead-letter topic", deadLettered, is(empty()));
    assertThat("suggestions made by another job than the one under test", notOurs, is(empty()));
  }

  /** Order id → number of suggestion lines, for the run's orders. */
  private static Map<String, Long> suggestionLines(String window) throws Exception {
    Map<String, Long> out = new HashMap<>();
    for (String row : db.rows("SELECT d.order_id, COUNT(*) FROM order_details d JOIN orders o ON o.id = d.order_id"
        + " WHERE " + window + " AND d.is_suggestion = 1 GROUP BY d.order_id")) {
      String[] f = row.split("\\|");
      out.put(f[0], Long.parseLong(f[1]));
    }
    return out;
  }

  /** Order id → the distinct suggestions published for it (what was suggested, not when). */
  private static Map<String, Set<String>> distinctSuggestions(List<ConsumerRecord<String, String>> records)
      throws IOException {
    Map<String, Set<String>> out = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonNode s = JSON.readTree(r.value());
      String what = s.path("product_id").asText() + "x" + s.path("quantity").asInt() + "@" + s.path("unit_price").asInt()
          + "-" + s.path("discount_percent").asInt() + "%=" + s.path("subtotal").asInt();
      out.computeIfAbsent(r.key(), k -> new HashSet<>()).add(what);
    }
    return out;
  }

  // ---- load and faults ----

  private static CompletableFuture<Void> generate(int orders) {
    long seed = SEED + 1_000_003L * ++batch;
    return CompletableFuture.runAsync(() -> db.cli("generate-orders", "--orders", String.valueOf(orders),
        "--orders-per-second", RATE, "--eligible-share", "0.2", "--seed", String.valueOf(seed)));
  }

  private static void devstack(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Repo.path("devstack", script).toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("devstack/" + script + " " + String.join(" ", args) + " failed");
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
