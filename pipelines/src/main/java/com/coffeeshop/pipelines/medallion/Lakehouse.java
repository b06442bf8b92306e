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

  /**
   * Fails with what to run first when no run has built {@code day} into the table (a commit recording
   * that day): a day with no rows was still built when its run committed, and passes.
   */
  public static void requireDay(String tablePath, LocalDate day, String runFirst) {
    if (com.coffeeshop.transforms.delta.DeltaTables.lastCommitWith(tablePath, "day", day.toString()).isEmpty()) {
      throw new IllegalStateException(tablePath + " has nothing for " + day + ": run " + runFirst + " --date=" + day
          + " first");
    }
  }
}
