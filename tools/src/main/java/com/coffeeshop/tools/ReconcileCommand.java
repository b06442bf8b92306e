package com.coffeeshop.tools;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.validate.Severity;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The day's gold facts against MySQL's own rows of that day, line by line: what bronze could have read (rows
 * unchanged since its watermark; orders and lines changed after it wait for the next run on both sides) less what
 * silver quarantined (named in {@code silver/quarantine}). Any other difference is a row lost, kept after a void or
 * a move, or double counted: exit code 1, naming the day and the first differing lines.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = "Compare a day's gold facts with MySQL's orders and lines of that day (as the read-only batch user):"
        + " counts, sums and every line. Exit code 1 on any difference, naming the day and the lines.")
public class ReconcileCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Option(names = "--lakehouse", required = true, description = "Lakehouse root, e.g. .local/lakehouse")
  String lakehouse;

  @Option(names = "--date", required = true, description = "The day to reconcile, yyyy-MM-dd (the chain's time zone)")
  LocalDate date;

  @Spec CommandSpec spec;

  /** A line's key and what gold and MySQL must agree on. */
  record Line(String orderId, String productId, int quantity, long subtotal) {
    String key() {
      return orderId + "|" + productId;
    }
  }

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_batch", "COFFEE_BATCH_PASSWORD");
    PrintWriter out = spec.commandLine().getOut();
    String facts = Lakehouse.gold(lakehouse, "fact_orders");
    Lakehouse.requireDay(facts, date, "GoldFacts");
    BusinessDay days = new BusinessDay(Lakehouse.zoneOf(lakehouse).orElse(BusinessDay.DEFAULT_ZONE));
    Instant watermark = watermark();
    Set<String> quarantined = quarantinedKeys();
    Map<String, Line> mysql = new TreeMap<>();
    Set<String> unsettled = new HashSet<>();
    try (Connection c = db.connect()) {
      unsettled.addAll(changedSince(c, watermark));
      try (PreparedStatement ps = c.prepareStatement("SELECT d.order_id, d.product_id, d.quantity, d.subtotal"
          + " FROM orders o JOIN order_details d ON d.order_id = o.id WHERE o.`timestamp` >= ? AND o.`timestamp` < ?")) {
        ps.setObject(1, LocalDateTime.ofInstant(Instant.ofEpochMilli(days.start(date)), ZoneOffset.UTC));
        ps.setObject(2, LocalDateTime.ofInstant(Instant.ofEpochMilli(days.end(date)), ZoneOffset.UTC));
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Line l = new Line(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4));
            if (!unsettled.contains(l.orderId()) && !quarantined.contains(l.orderId())
                && !quarantined.contains(l.key())) {
              mysql.put(l.key(), l);
            }
          }
        }
      }
    }
    Map<Integer, String> productIds = new HashMap<>();
    for (GenericRecord p : DeltaTables.readSmall(Lakehouse.gold(lakehouse, "dim_products"),
        AvroSchemas.gold("dim_products"), null)) {
      productIds.put((Integer) p.get("product_key"), p.get("product_id").toString());
    }
    Map<String, Line> gold = new TreeMap<>();
    List<String> doubled = new ArrayList<>();
    DeltaTables.forEach(facts, AvroSchemas.gold("fact_orders"), date.toString(), f -> {
      Line l = new Line(f.get("order_id").toString(), productIds.get((Integer) f.get("product_key")),
          (Integer) f.get("quantity"), ((Number) f.get("subtotal")).longValue());
      if (!unsettled.contains(l.orderId()) && gold.put(l.key(), l) != null) {
        doubled.add(l.key());
      }
    });
    List<String> differences = new ArrayList<>();
    doubled.forEach(k -> differences.add("gold has line " + k + " twice"));
    mysql.forEach((k, l) -> {
      Line g = gold.get(k);
      if (g == null) {
        differences.add("gold lacks line " + k + " (MySQL: quantity " + l.quantity() + ", subtotal " + l.subtotal() + ")");
      } else if (!g.equals(l)) {
        differences.add("line " + k + " differs: gold quantity " + g.quantity() + ", subtotal " + g.subtotal()
            + "; MySQL quantity " + l.quantity() + ", subtotal " + l.subtotal());
      }
    });
    gold.keySet().stream().filter(k -> !mysql.containsKey(k))
        .forEach(k -> differences.add("gold has line " + k + ", which MySQL no longer has on " + date));
    out.printf("reconcile %s: MySQL %d orders, %d lines, %,d VND; gold %d orders, %d lines, %,d VND"
            + " (as of bronze's watermark %s; %d orders changed since, %d quarantined keys, left out on both sides)%n",
        date, orders(mysql), mysql.size(), sum(mysql), orders(gold), gold.size(), sum(gold), watermark,
        unsettled.size(), quarantined.size());
    if (differences.isEmpty()) {
      out.println("reconcile " + date + ": gold equals MySQL");
      return 0;
    }
    spec.commandLine().getErr().println("reconcile " + date + ": gold differs from MySQL in " + differences.size()
        + " lines:\n  " + String.join("\n  ", differences.subList(0, Math.min(20, differences.size())))
        + (differences.size() > 20 ? "\n  …" : ""));
    return 1;
  }

  /** The instant up to which bronze has read both order tables: the lower of their watermarks. */
  private Instant watermark() {
    Instant w = null;
    for (String table : List.of("orders", "order_details")) {
      String value = DeltaTables.latestCommitInfo(Lakehouse.bronze(lakehouse, table))
          .map(info -> info.get("watermark_to")).orElseThrow(() -> new IllegalStateException(
              "bronze " + table + " has no watermark in " + lakehouse + ": run BronzeIngest first"));
      Instant t = Instant.parse(value);
      w = w == null || t.isBefore(w) ? t : w;
    }
    return w;
  }

  /** The orders changed at or after {@code watermark}, in either table or by a delete or key change. */
  private static Set<String> changedSince(Connection c, Instant watermark) throws Exception {
    Set<String> ids = new HashSet<>();
    Timestamp at = Timestamp.valueOf(LocalDateTime.ofInstant(watermark, ZoneOffset.UTC));
    for (String sql : List.of("SELECT id FROM orders WHERE changed_at >= ?",
        "SELECT order_id FROM order_details WHERE changed_at >= ?",
        "SELECT order_id FROM order_changes WHERE changed_at >= ?")) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setTimestamp(1, at);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
    }
    return ids;
  }

  /** The record keys silver quarantined on the day (order ids, and order|product of lines); warnings stay valid. */
  private Set<String> quarantinedKeys() throws Exception {
    Set<String> keys = new HashSet<>();
    for (GenericRecord q : DeltaTables.readSmall(Lakehouse.silver(lakehouse, "quarantine"),
        AvroSchemas.silver("quarantine"), date.toString())) {
      if (!Severity.WARN.label().equals(String.valueOf(q.get("severity"))) && q.get("record_key") != null) {
        keys.add(q.get("record_key").toString());
      }
    }
    return keys;
  }

  private static long orders(Map<String, Line> lines) {
    return lines.values().stream().map(Line::orderId).distinct().count();
  }

  private static long sum(Map<String, Line> lines) {
    return lines.values().stream().mapToLong(Line::subtotal).sum();
  }
}
