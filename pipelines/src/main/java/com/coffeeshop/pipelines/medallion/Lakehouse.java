package com.coffeeshop.pipelines.medallion;

import java.time.LocalDate;

/** Where each layer's tables live under the lakehouse root, and the checks that a layer's input exists. */
public final class Lakehouse {
  private Lakehouse() {}

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

  /** Fails with what to run first when the table has no partition for {@code day}. */
  public static void requirePartition(String tablePath, LocalDate day, String runFirst) {
    if (!com.coffeeshop.transforms.delta.DeltaTables.partitionValues(tablePath).contains(day.toString())) {
      throw new IllegalStateException(tablePath + " has nothing for " + day + ": run " + runFirst + " --date=" + day
          + " first");
    }
  }
}
