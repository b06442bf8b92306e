package com.coffeeshop.tools.orders;

import com.coffeeshop.schemas.events.Topics;
import com.coffeeshop.tools.DbConnectionOptions;
import com.coffeeshop.tools.DurationConverter;
import com.coffeeshop.tools.KafkaOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The live view of the demo: generates orders and watches the suggestion job's output topics at the
 * same time, printing a compact status line every few seconds (and, with {@code --show-suggestions},
 * one line per suggestion). Latency is commit → suggestion on the suggestions topic, both instants on
 * this JVM's clock. Ends with a check: every eligible order generated here got exactly one suggestion
 * and no other order got one; otherwise the exit code is 1.
 */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description = {
      "Generate orders and show, every few seconds, what the suggestion job makes of them: orders/s,"
          + " eligible orders, suggestions, dead letters, commit -> suggestion latency p50/p99.",
      "Needs the CDC stack and the suggestion job running. Exit code 1 when an eligible order got no"
          + " suggestion, or an ineligible one got one."
    })
public class LiveCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Mixin KafkaOptions kafka;

  @Option(names = "--suggestions-topic", defaultValue = Topics.SUGGESTIONS_ACCEPTED,
      description = "Topic of the accepted suggestions (default: ${DEFAULT-VALUE}).")
  String suggestionsTopic;

  @Option(names = "--dead-letter-topic", defaultValue = Topics.SUGGESTIONS_DEAD_LETTERS,
      description = "The job's dead-letter topic (default: ${DEFAULT-VALUE}).")
  String deadLetterTopic;

  @Option(names = "--rate", defaultValue = "17",
      description = "Order lines per second (default: ${DEFAULT-VALUE}, the seed's rate).")
  double linesPerSecond;

  @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to generate orders, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--eligible-share", defaultValue = "0.05",
      description = "Share of orders made eligible (diamond customer, ACB bank transfer) (default: ${DEFAULT-VALUE}).")
  double eligibleShare;

  @Option(names = "--seed", description = "Random seed of the orders (default: random, printed).")
  Long seed;

  @Option(names = "--every", defaultValue = "5s", converter = DurationConverter.class,
      description = "How often to print the status line (default: ${DEFAULT-VALUE}).")
  Duration every;

  @Option(names = "--show-suggestions", description = "Print a line for each suggestion as it arrives.")
  boolean showSuggestions;

  @Option(names = "--settle", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to wait for the last suggestions after the last order (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Spec CommandSpec spec;

  private record Committed(int customerId, long nanos, boolean eligible) {}

  private final Map<String, Committed> committed = new ConcurrentHashMap<>();
  private final Map<String, Long> suggested = new ConcurrentHashMap<>();
  private final List<Double> latenciesMs = new ArrayList<>();
  private final List<String> unexpected = new ArrayList<>();
  private long suggestions;
  private long deadLetters;

  @Override
  public Integer call() throws Exception {
    if (linesPerSecond <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rate must be above 0 lines/s, not " + linesPerSecond);
    }
    if (eligibleShare < 0 || eligibleShare > 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--eligible-share must be in [0, 1], not " + eligibleShare);
    }
    db.withDefaults("coffee_app", "COFFEE_APP_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    ReferenceSnapshot ref = ReferenceSnapshot.read(db);
    long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, String> consumer = TopicTail.atEnd(kafka.bootstrap(), suggestionsTopic, deadLetterTopic)) {
      OrderGenerator generator = new OrderGenerator(ref,
          new OrderGenerator.Settings(linesPerSecond, 0, duration, actualSeed, eligibleShare, 1, Duration.ofHours(1)),
          db::connect, new PrintWriter(new StringWriter()))
          .onCommit((id, customer, t, eligible) -> committed.put(id, new Committed(customer, t, eligible)));
      out.printf("[live] %.1f order lines/s for %ds, %.0f %% eligible, seed %d; watching %s and %s on %s%n",
          linesPerSecond, duration.toSeconds(), eligibleShare * 100, actualSeed, suggestionsTopic, deadLetterTopic,
          kafka.bootstrap());
      out.flush();
      // Ctrl-C: stop generating, wait a little for the last suggestions, print the summary, then exit.
      java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.CountDownLatch summarised = new java.util.concurrent.CountDownLatch(1);
      Thread hook = new Thread(() -> {
        interrupted.set(true);
        generator.stop();
        try {
          summarised.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "live-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<OrderGenerator.Stats> run = pool.submit(generator::run);
      long start = System.nanoTime();
      long nextStatus = start + every.toNanos();
      long deadline = Long.MAX_VALUE;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
          take(r, System.nanoTime(), json, out);
        }
        if (System.nanoTime() >= nextStatus) {
          status(out, start);
          nextStatus += every.toNanos();
        }
        if (run.isDone() && deadline == Long.MAX_VALUE) {
          run.get(); // rethrows a generator failure
          deadline = System.nanoTime() + (interrupted.get() ? Math.min(settle.toNanos(), 3_000_000_000L) : settle.toNanos());
        }
        if (deadline != Long.MAX_VALUE && missing().isEmpty()) {
          break;
        }
      }
      OrderGenerator.Stats stats = run.get();
      pool.shutdown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook waits for the summary below.
      }
      try {
        return summary(out, stats);
      } finally {
        summarised.countDown();
      }
    }
  }

  private void take(ConsumerRecord<String, String> r, long now, ObjectMapper json, PrintWriter out) throws Exception {
    if (r.value() == null) {
      return;
    }
    JsonNode v = json.readTree(r.value());
    if (r.topic().equals(deadLetterTopic)) {
      deadLetters++;
      out.printf("  ! dead letter from %s at %s: %s%n", v.path("source").asText(), v.path("stage").asText(),
          v.path("reason").asText());
      return;
    }
    suggestions++;
    String orderId = v.path("order_id").asText();
    Committed c = committed.get(orderId);
    Double latency = null;
    if (c != null && suggested.putIfAbsent(orderId, now) == null) {
      latency = Math.max(0, now - c.nanos()) / 1e6;
      latenciesMs.add(latency);
      if (!c.eligible()) {
        unexpected.add(orderId);
      }
    }
    if (showSuggestions) {
      out.printf("  + suggestion  order %s  customer %s  -> %s %s  x%d  -%d %%  %,d VND%s%n", orderId.substring(0, 8),
          c == null ? "?" : c.customerId(), v.path("product_id").asText(), v.path("product_name").asText(),
          v.path("quantity").asInt(), v.path("discount_percent").asInt(), v.path("subtotal").asInt(),
          latency == null ? "" : String.format("  (%.0f ms)", latency));
    }
  }

  private void status(PrintWriter out, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    long orders = committed.size();
    long eligible = committed.values().stream().filter(Committed::eligible).count();
    double[] ms = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
    out.printf("[live] %5.0fs  orders %5d (%4.1f/s)  eligible %4d  suggestions %4d  dead letters %3d  latency p50 %s p99 %s%n",
        seconds, orders, orders / Math.max(seconds, 1e-9), eligible, suggestions, deadLetters,
        ms.length == 0 ? "-" : String.format("%.0f ms", TopicTail.percentile(ms, 50)),
        ms.length == 0 ? "-" : String.format("%.0f ms", TopicTail.percentile(ms, 99)));
    out.flush();
  }

  private List<String> missing() {
    return committed.entrySet().stream().filter(e -> e.getValue().eligible() && !suggested.containsKey(e.getKey()))
        .map(Map.Entry::getKey).toList();
  }

  private int summary(PrintWriter out, OrderGenerator.Stats stats) {
    long eligible = stats.eligible();
    double[] ms = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
    out.printf("[live] done: %d orders (%d lines, %.1f lines/s), %d eligible, %d suggested (%d for these orders),"
            + " %d dead letters; commit -> suggestion p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        stats.orders(), stats.lines(), stats.linesPerSecond(), eligible, suggestions, suggested.size(), deadLetters,
        TopicTail.percentile(ms, 50), TopicTail.percentile(ms, 99), TopicTail.percentile(ms, 100));
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      out.printf("[live] FAILED: %d of %d eligible orders got no suggestion within %ds of the last order, e.g. %s;"
          + " is the suggestion job running? (devstack/suggestion-job.sh status, its log in .local/)%n",
          missing.size(), eligible, settle.toSeconds(), missing.get(0));
    }
    if (!unexpected.isEmpty()) {
      out.printf("[live] FAILED: %d ineligible orders got a suggestion, e.g. %s%n", unexpected.size(), unexpected.get(0));
    }
    out.flush();
    return missing.isEmpty() && unexpected.isEmpty() ? 0 : 1;
  }
}
