package com.coffeeshop.pipelines.lakehouse;

import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lakehouse's layout, in one place: where each table lives ({@code <root>/<layer>/<table>}), how it is
 * partitioned and laid out in files, and what a step checks of another layer's tables before it reads them.
 * Every step gets its table writers here ({@link #bronzeTable}, {@link #silverTable}, {@link #goldTable}) and
 * adds only what its run decides (the mode, the run id, the commit info).
 */
public final class Lakehouse {
  private Lakehouse() {}

  /** Bronze partitions every table by this day: the order's day for orders and lines, the change's day otherwise. */
  public static final String BRONZE_PARTITION = "_partition_date";

  /** Silver's tables, in the order the data-quality report lists them. */
  public static final List<String> SILVER_TABLES = List.of(
      "product_categories", "products", "stores", "payment_methods", "customers", "orders", "order_lines");

  /** The partition column of each silver table: reference snapshots by day, orders by their day, reports by run day. */
  private static final Map<String, String> SILVER_PARTITIONS = Map.of(
      "product_categories", "snapshot_date", "products", "snapshot_date", "stores", "snapshot_date",
      "payment_methods", "snapshot_date", "customers", "snapshot_date", "orders", "order_date",
      "order_lines", "order_date", "quarantine", "run_date", "dq_report", "run_date");

  /**
   * Silver's order lines are written in row groups of about this many bytes (parquet's default is 128 MB), so
   * gold facts share a day's lines between workers a row group at a time: a design-load day is a dozen groups.
   */
  public static final long ORDER_LINE_ROW_GROUP_BYTES = 4L << 20;

  /**
   * The day an entity's first captured version is valid from, in silver's snapshots and gold's dimensions: the
   * start of time, so that orders of any past day (a first import of history) find their store, product and
   * payment method. See {@code ReferenceHistory}.
   */
  public static final LocalDate HISTORY_START = LocalDate.EPOCH;

  /** The commit info key of the reporting time zone bronze partitions by. */
  public static final String TIME_ZONE = "time_zone";
  /** The commit info key of the last day the gold dimensions cover. */
  public static final String DIMENSIONS_COVER = "effective_date";
  /** The gold dimensions, each rebuilt whole by one run. */
  public static final List<String> DIMENSIONS = List.of("dim_products", "dim_stores", "dim_payment_methods");

  public static String bronze(String root, String table) {
    return path(root, "bronze", table);
  }

  public static String silver(String root, String table) {
    return path(root, "silver", table);
  }

  public static String gold(String root, String table) {
    return path(root, "gold", table);
  }

  private static String path(String root, String layer, String table) {
    return root.replaceAll("/+$", "") + "/" + layer + "/" + table;
  }

  /**
   * The write of a bronze table: partitioned by {@link #BRONZE_PARTITION}; orders and order details in
   * {@code orderBuckets} buckets of the order id ({@link OrderBuckets}).
   */
  public static DeltaWrite bronzeTable(String root, String table, int orderBuckets) {
    return OrderBuckets.layout(table, DeltaWrite.to(bronze(root, table), AvroSchemas.bronze(table))
        .partitionedBy(BRONZE_PARTITION), orderBuckets);
  }

  /** The write of a silver table: partitioned by its day (see {@link #SILVER_PARTITIONS}), its lines laid out for gold. */
  public static DeltaWrite silverTable(String root, String table) {
    DeltaWrite write = DeltaWrite.to(silver(root, table), AvroSchemas.silver(table))
        .partitionedBy(SILVER_PARTITIONS.get(table));
    return table.equals("order_lines") ? write.withRowGroupBytes(ORDER_LINE_ROW_GROUP_BYTES) : write;
  }

  /** The write of a gold table: the facts by order day, the dimensions whole. */
  public static DeltaWrite goldTable(String root, String table) {
    DeltaWrite write = DeltaWrite.to(gold(root, table), AvroSchemas.gold(table));
    return table.equals("fact_orders") ? write.partitionedBy("order_date") : write;
  }

  /**
   * Fails with what to run first when no run has built {@code day} into the table (a commit recording
   * that day): a day with no rows was still built when its run committed, and passes.
   */
  public static void requireDay(String tablePath, LocalDate day, String runFirst) {
    if (DeltaTables.lastCommitWith(tablePath, Restatement.DAY, day.toString()).isEmpty()) {
      throw new IllegalStateException(tablePath + " has nothing for " + day + ": run " + runFirst + " --date=" + day
          + " first");
    }
  }

  /** Fails, naming the step to run, when the table does not exist yet. */
  public static long requireTable(String tablePath, String runFirst) {
    return DeltaTables.latestVersion(tablePath).orElseThrow(
        () -> new IllegalStateException("no table at " + tablePath + ": run " + runFirst + " first"));
  }

  /** The reporting time zone bronze partitions by, as its latest orders commit records it. */
  public static Optional<String> zoneOf(String root) {
    return DeltaTables.latestCommitInfo(bronze(root, "orders")).map(info -> info.get(TIME_ZONE));
  }

  /**
   * Fails when bronze was partitioned by the days of another time zone than {@code days}: its partitions
   * would not be the days asked for. Bronze records its zone with every commit.
   */
  public static void requireZone(String root, BusinessDay days) {
    Optional<String> stored = zoneOf(root);
    if (stored.isPresent() && !stored.get().equals(days.zone())) {
      throw new IllegalArgumentException("--timeZone=" + days.zone() + ", but bronze at " + bronze(root, "orders")
          + " is partitioned by the days of " + stored.get() + ": pass --timeZone=" + stored.get() + " to every step,"
          + " or rebuild bronze");
    }
  }

  /** The last day a gold dimension's latest build covers. */
  public static Optional<LocalDate> dimensionCoveredThrough(String root, String dimension) {
    return DeltaTables.latestCommitInfo(gold(root, dimension)).map(info -> info.get(DIMENSIONS_COVER))
        .map(LocalDate::parse);
  }

  /** Fails, naming the step to run, when a gold dimension does not cover {@code day} yet. */
  public static void requireDimensionsCover(String root, LocalDate day) {
    for (String dimension : DIMENSIONS) {
      if (dimensionCoveredThrough(root, dimension).map(day::isAfter).orElse(true)) {
        throw new IllegalStateException(gold(root, dimension) + " does not cover " + day + " yet: run GoldDimensions"
            + " --date=" + day + " first");
      }
    }
  }
}
