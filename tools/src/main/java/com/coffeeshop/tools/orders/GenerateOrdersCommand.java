package com.coffeeshop.tools.orders;

import com.coffeeshop.tools.DbConnectionOptions;
import com.coffeeshop.tools.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "generate-orders",
    mixinStandardHelpOptions = true,
    description = {
      "Insert orders and their lines into the landing zone at a steady rate, one transaction per order.",
      "Runs as the application user (coffee_app, password in $COFFEE_APP_PASSWORD) by default.",
      "Stops after --orders or --duration, or on Ctrl-C, and prints a summary."
    })
public class GenerateOrdersCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  static class Rate {
    @Option(
        names = "--rate",
        description = "Order lines per second, over all threads; 0 = as fast as possible (default: 17, the seed's rate).")
    Double linesPerSecond;

    @Option(names = "--orders-per-second", description = "Target rate in orders per second instead.")
    Double ordersPerSecond;
  }

  @ArgGroup(exclusive = true) Rate rate = new Rate();

  @Option(names = "--orders", defaultValue = "0", description = "Stop after this many orders (0 = no limit).")
  long maxOrders;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long, e.g. 90s, 5m.")
  Duration duration;

  @Option(names = "--seed", description = "Random seed; the same seed gives the same orders (default: random, printed).")
  Long seed;

  @Option(
      names = "--eligible-share",
      description = "Share of orders made eligible for a suggestion (diamond customer, ACB bank transfer), e.g. 0.05;"
          + " the others are made ineligible. Default: the natural mix.")
  Double eligibleShare;

  @Option(names = "--threads", defaultValue = "1", description = "Parallel connections (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--progress-every",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to print progress (default: ${DEFAULT-VALUE}).")
  Duration progressEvery;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_app", "COFFEE_APP_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    double linesPerSecond = linesPerSecond();
    OrderGenerator.Settings settings =
        new OrderGenerator.Settings(
            linesPerSecond, maxOrders, duration, actualSeed, eligibleShare, threads, progressEvery);
    ReferenceSnapshot ref = ReferenceSnapshot.read(db);
    out.printf(
        "[generator] writing to %s: rate %s, %s, seed %d, eligible share %s, %d thread(s)%n",
        db,
        linesPerSecond == 0 ? "unthrottled" : String.format("%.1f lines/s", linesPerSecond),
        describeLimit(),
        actualSeed,
        eligibleShare == null ? "natural" : eligibleShare,
        threads);
    out.flush();
    OrderGenerator generator = new OrderGenerator(ref, settings, db::connect, out);
    Thread hook = new Thread(generator::stop, "generator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    OrderGenerator.Stats stats = generator.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the summary below is still printed.
    }
    out.printf(
        "[generator] done: %d orders, %d lines, %d eligible (%.1f %%) in %.1fs = %.1f lines/s, %.1f orders/s%n",
        stats.orders(), stats.lines(), stats.eligible(),
        stats.orders() == 0 ? 0.0 : 100.0 * stats.eligible() / stats.orders(),
        stats.elapsed().toMillis() / 1000.0, stats.linesPerSecond(), stats.ordersPerSecond());
    out.flush();
    return 0;
  }

  private double linesPerSecond() {
    if (rate.ordersPerSecond != null) {
      return rate.ordersPerSecond * OrderGenerator.MEAN_LINES_PER_ORDER;
    }
    return rate.linesPerSecond != null ? rate.linesPerSecond : 17.0;
  }

  private String describeLimit() {
    if (maxOrders > 0 && duration != null) return maxOrders + " orders or " + duration.toSeconds() + "s";
    if (maxOrders > 0) return maxOrders + " orders";
    if (duration != null) return "for " + duration.toSeconds() + "s";
    return "until Ctrl-C";
  }
}
