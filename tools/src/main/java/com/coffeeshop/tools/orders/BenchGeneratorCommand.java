package com.coffeeshop.tools.orders;

import com.coffeeshop.tools.DbConnectionOptions;
import com.coffeeshop.tools.DurationConverter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures the generator's maximum sustained insert rate: unthrottled runs at several thread counts,
 * each repeated, reporting the median. It writes real orders: point it at a scratch database.
 */
@Command(
    name = "bench-generator",
    mixinStandardHelpOptions = true,
    description = "Measure the order generator's maximum sustained insert rate (writes real orders).")
public class BenchGeneratorCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Option(names = "--seconds", defaultValue = "10", description = "Length of each measured run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--repeats", defaultValue = "3", description = "Runs per thread count; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--threads", split = ",", defaultValue = "1,2,4,8", description = "Thread counts to try (default: ${DEFAULT-VALUE}).")
  List<Integer> threadCounts;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_app", "COFFEE_APP_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    ReferenceSnapshot ref;
    String server;
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT VERSION()")) {
      rs.next();
      server = rs.getString(1);
      ref = ReferenceSnapshot.read(c);
    }
    out.printf("machine: %d cores, %s %s, Java %s; database %s at %s:%d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.version"), server, db.host(), db.port());
    out.printf("load: generator and database on this machine, nothing else; %d x %ds per thread count%n",
        repeats, seconds);
    double best = 0;
    int bestThreads = 0;
    PrintWriter quiet = new PrintWriter(new StringWriter());
    for (int threads : threadCounts) {
      double[] orderRates = new double[repeats];
      double[] lineRates = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        OrderGenerator.Settings settings = new OrderGenerator.Settings(
            0, 0, Duration.ofSeconds(seconds), System.nanoTime(), null, threads, Duration.ofHours(1));
        OrderGenerator.Stats stats = new OrderGenerator(ref, settings, db::connect, quiet).run();
        orderRates[r] = stats.ordersPerSecond();
        lineRates[r] = stats.linesPerSecond();
      }
      double medianOrders = median(orderRates);
      out.printf("threads=%-2d  median %8.1f orders/s  %8.1f lines/s   (runs: %s orders/s)%n",
          threads, medianOrders, median(lineRates), java.util.Arrays.toString(round(orderRates)));
      out.flush();
      if (medianOrders > best) {
        best = medianOrders;
        bestThreads = threads;
      }
    }
    out.printf("max sustained: %.1f orders/s with %d threads (%.0fx the seed's 17 lines/s)%n",
        best, bestThreads, best * OrderGenerator.MEAN_LINES_PER_ORDER / 17.0);
    return 0;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long[] round(double[] values) {
    return java.util.Arrays.stream(values).mapToLong(Math::round).toArray();
  }
}
