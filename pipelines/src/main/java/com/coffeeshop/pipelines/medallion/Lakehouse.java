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

  /** What a {@link #warmUp} reads, given the lakehouse root. */
  public interface Reads {
    void read(String lake) throws Exception;
  }

  /** A started {@link #warmUp}. */
  public static final class WarmUp {
    private final Thread thread;

    private WarmUp(Thread thread) {
      this.thread = thread;
    }

    /** Waits until the reads are done (at once when none was started). */
    public void await() throws InterruptedException {
      if (thread != null) {
        thread.join();
      }
    }
  }

  /**
   * Starts {@code reads} of the lakehouse that the raw arguments name ({@code --lakehouse=…}) on a thread of its
   * own, for a step's {@code main} to call before it parses its options, and to {@link WarmUp#await} after.
   * Beam's options registry takes half a second of one core; the first Delta log and parquet file a JVM reads
   * take 0.2–0.3 s more (Hadoop's file system, Delta's log reader and parquet's, initialized once), on the same
   * core. Done at once, the short gold steps start their run that much sooner.
   *
   * <p>What the reads find is not kept, and what they throw is ignored: the step reads the same tables again
   * once it has its options, and reports any error with them. The step waits for the reads before it reads
   * itself, so no class is initialized by two threads at once. Without {@code --lakehouse=} nothing starts.
   */
  public static WarmUp warmUp(String[] args, Reads reads) {
    String root = java.util.Arrays.stream(args)
        .filter(a -> a.startsWith("--lakehouse="))
        .map(a -> a.substring("--lakehouse=".length()))
        .reduce((first, last) -> last)
        .orElse(null);
    if (root == null || root.isBlank()) {
      return new WarmUp(null);
    }
    Thread thread = new Thread(() -> {
      try {
        reads.read(root);
      } catch (Exception | LinkageError ignored) {
        // read again, and reported, by the step itself
      }
    }, "lakehouse-warm-up");
    thread.setDaemon(true);
    thread.start();
    return new WarmUp(thread);
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
