package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.transforms.delta.DeltaTables;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Benchmark harness (not a test): runs silver → gold dimensions → gold facts for consecutive days in
 * one JVM on the runner given in the options, and prints each step's wall time and rows/s. The first
 * and last days run {@code --repeat} times (re-runs of a day are idempotent) and their medians give the
 * cost of a day with N days of history against the first day's. Bronze must already hold the days.
 *
 * <pre>devstack/run-pipeline com.coffeeshop.pipelines.medallion.MedallionBench flink-local \
 *     --lakehouse=… --date=2026-10-01 --days=31 --repeat=3</pre>
 */
public class MedallionBench {
  public interface Options extends SilverClean.Options, GoldDimensions.Options {
    @Description("How many consecutive days from --date to build")
    @Default.Integer(1)
    int getDays();

    void setDays(int value);

    @Description("Runs of the first and the last day; their medians are compared")
    @Default.Integer(3)
    int getRepeat();

    void setRepeat(int value);
  }

  public static void main(String[] args) throws IOException {
    Options o = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    LocalDate first = MedallionOptions.day(o);
    System.out.printf("%-10s %4s %9s %9s %9s %9s %12s %10s%n", "day", "run", "silver s", "dims s", "facts s", "total s",
        "input rows", "rows/s");
    double[] firstRuns = null;
    double[] lastRuns = null;
    for (int i = 0; i < o.getDays(); i++) {
      LocalDate day = first.plusDays(i);
      boolean measured = i == 0 || i == o.getDays() - 1;
      int runs = measured ? o.getRepeat() : 1;
      double[] totals = new double[runs];
      for (int r = 0; r < runs; r++) {
        o.setDate(day.toString());
        long rows = inputRows(o.getLakehouse(), day);
        double silver = time(() -> {
          wait(SilverClean.run(o));
          return null;
        });
        SilverClean.gate(o.getLakehouse(), day, o.getMaxQuarantinedPercent());
        double dims = time(() -> {
          GoldDimensions.run(o).ifPresent(MedallionBench::wait);
          return null;
        });
        double facts = time(() -> {
          wait(GoldFacts.run(o));
          return null;
        });
        totals[r] = silver + dims + facts;
        System.out.printf("%-10s %4d %9.1f %9.1f %9.1f %9.1f %12d %10.0f%n", day, r + 1, silver, dims, facts, totals[r], rows,
            rows / totals[r]);
      }
      if (i == 0) {
        firstRuns = totals;
      }
      if (i == o.getDays() - 1) {
        lastRuns = totals;
      }
    }
    if (o.getDays() > 1) {
      double a = median(firstRuns);
      double b = median(lastRuns);
      System.out.printf("first day median %.1f s; day %d (after %d days of history) median %.1f s; ratio %.2f×%n", a,
          o.getDays(), o.getDays() - 1, b, b / a);
    }
  }

  /** The bronze rows of the day's orders and lines (what the day's run reads besides the small reference tables). */
  private static long inputRows(String lake, LocalDate day) {
    long rows = 0;
    for (String t : List.of("orders", "order_details")) {
      rows += DeltaTables.log(Lakehouse.bronze(lake, t)).update().getAllFiles().stream()
          .filter(f -> f.getPartitionValues().containsValue(day.toString()))
          .mapToLong(f -> recordsOf(Lakehouse.bronze(lake, t), f.getPath())).sum();
    }
    return rows;
  }

  private static long recordsOf(String table, String file) {
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile
        .fromPath(new org.apache.hadoop.fs.Path(table, file), new org.apache.hadoop.conf.Configuration()))) {
      return reader.getRecordCount();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void wait(PipelineResult r) {
    if (r.waitUntilFinish() != PipelineResult.State.DONE) {
      throw new IllegalStateException("run ended " + r.getState());
    }
  }

  private static double time(java.util.concurrent.Callable<Void> step) {
    long start = System.nanoTime();
    try {
      step.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] v = Arrays.copyOf(values, values.length);
    Arrays.sort(v);
    return v[v.length / 2];
  }

}
