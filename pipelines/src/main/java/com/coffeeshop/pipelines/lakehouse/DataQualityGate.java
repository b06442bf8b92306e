package com.coffeeshop.pipelines.lakehouse;

import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.DataQuality;
import com.coffeeshop.transforms.validate.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Silver's data-quality report ({@code slv.dq_report}) as read back after a run, printed, and the gate
 * that stops the day when too much of a table was quarantined.
 */
public final class DataQualityGate {
  private DataQualityGate() {}

  /** The commit info key of the threshold a silver day was built with: a restated day is gated with it again. */
  public static final String GATE = "max_quarantined_percent";

  /** Thrown by {@link #check} when the data-quality threshold is exceeded. */
  public static class Failed extends RuntimeException {
    public Failed(String message) {
      super(message);
    }
  }

  /** The day's report, one row per silver table, in {@link Lakehouse#SILVER_TABLES} order; empty when there is none. */
  public static List<GenericRecord> report(String lakehouse, LocalDate day) throws IOException {
    List<GenericRecord> rows = new ArrayList<>(DeltaTables.readSmall(Lakehouse.silver(lakehouse, "dq_report"),
        DataQuality.schema(), day.toString()));
    rows.sort(Comparator.comparingInt(r -> Lakehouse.SILVER_TABLES.indexOf(r.get("table_name").toString())));
    return rows;
  }

  /** The report as a table, one line per silver table. */
  public static void print(List<GenericRecord> rows, PrintWriter out) {
    out.printf("  %-20s %10s %10s %12s %8s  %s%n", "table", "in", "valid", "quarantined", "warned", "by rule");
    for (GenericRecord r : rows) {
      String warned = r.get("warned_by_rule").toString();
      out.printf("  %-20s %10d %10d %12d %8d  %s%s%n", r.get("table_name"), r.get("rows_in"), r.get("rows_valid"),
          r.get("rows_quarantined"), r.get("rows_warned"), r.get("quarantined_by_rule"),
          warned.isEmpty() ? "" : " | warned: " + warned);
    }
    out.flush();
  }

  /** {@link #check} of each day; fails after checking them all, naming every day that failed. */
  public static void checkAll(String lakehouse, List<LocalDate> days, double maxQuarantinedPercent) throws IOException {
    List<String> failed = new ArrayList<>();
    for (LocalDate day : days) {
      try {
        check(lakehouse, day, maxQuarantinedPercent);
      } catch (Failed f) {
        failed.add(f.getMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw new Failed(String.join("\n", failed));
    }
  }

  /**
   * Whether the day's silver, as last built, passes the gate it was built with (the threshold its build
   * recorded); the report is printed. A day built before thresholds were recorded is gated at the default, 1 %.
   */
  public static boolean passes(String lakehouse, LocalDate day) throws IOException {
    String threshold = DeltaTables.lastCommitWith(Lakehouse.silver(lakehouse, "dq_report"), Restatement.DAY, day.toString())
        .map(info -> info.get(GATE)).orElse("1.0");
    try {
      check(lakehouse, day, Double.parseDouble(threshold));
      return true;
    } catch (Failed f) {
      System.out.println(f.getMessage());
      return false;
    }
  }

  /** Prints the day's report and fails when a table's quarantined share is over {@code maxQuarantinedPercent}. */
  public static void check(String lakehouse, LocalDate day, double maxQuarantinedPercent) throws IOException {
    List<GenericRecord> rows = report(lakehouse, day);
    if (rows.isEmpty()) {
      throw new IllegalStateException("no data-quality report for " + day + " in " + Lakehouse.silver(lakehouse, "dq_report"));
    }
    PrintWriter out = new PrintWriter(System.out, true);
    out.printf("data quality %s (gate: at most %.2f%% quarantined per table)%n", day, maxQuarantinedPercent);
    print(rows, out);
    List<String> over = new ArrayList<>();
    List<String> fatal = new ArrayList<>();
    for (GenericRecord r : rows) {
      for (String ruleCount : r.get("quarantined_by_rule").toString().split(",")) {
        if (!ruleCount.isEmpty() && Severity.of(ruleCount.split("=")[0]) == Severity.FAIL) {
          fatal.add(r.get("table_name") + " " + ruleCount);
        }
      }
      long in = (Long) r.get("rows_in");
      long q = (Long) r.get("rows_quarantined");
      double percent = in == 0 ? 0 : 100.0 * q / in;
      if (percent > maxQuarantinedPercent) {
        over.add(String.format("%s %.2f%% (%d of %d: %s)", r.get("table_name"), percent, q, in, r.get("quarantined_by_rule")));
      }
    }
    List<String> why = new ArrayList<>();
    if (!fatal.isEmpty()) {
      why.add("rows broke rules whose severity is fail: " + String.join("; ", fatal) + " (see the rule's comment in"
          + " Severity for what it means and what to fix)");
    }
    if (!over.isEmpty()) {
      why.add("quarantined share over " + maxQuarantinedPercent + "% in " + String.join("; ", over)
          + " (fix the source and re-run the day, or raise --maxQuarantinedPercent)");
    }
    if (!why.isEmpty()) {
      throw new Failed("data-quality gate failed for " + day + ": " + String.join("; and ", why) + ". The rows are in "
          + Lakehouse.silver(lakehouse, "quarantine") + " (run_date=" + day + ")");
    }
  }
}
