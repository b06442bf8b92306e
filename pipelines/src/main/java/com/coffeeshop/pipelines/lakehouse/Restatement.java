package com.coffeeshop.pipelines.lakehouse;

import com.coffeeshop.transforms.delta.DeltaTables;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Days already built whose input changed after their build, so that a step rebuilds them (restates
 * them) after its own day. Rows reach a day after it was built in ordinary operation: an order a till
 * synced after midnight, a suggestion line written while the job caught up, an order line corrected
 * the next day. Bronze puts them in their order's day, and silver and gold for that day are rebuilt
 * from bronze's whole history, so a restated day equals what a clean rebuild gives.
 *
 * <p>Each build records, with its commit, the version of every input table it reads, taken before the
 * read: a commit landing between the two is read too, and only makes the day look stale once more
 * (one needless rebuild, never a missed one). A day is stale when a later commit of an input added or
 * removed files in that day's partition. Only days whose commits are still in the log are known: the
 * Delta log retention (30 days by default) bounds how late a row may arrive and still be restated.
 */
public final class Restatement {
  private Restatement() {}

  /** The commit info key of the day a build built. */
  public static final String DAY = "day";
  private static final String PREFIX = "input_version:";

  /**
   * The commit info that records the current version of each input ({@code label -> table path}); an
   * input with no table yet is recorded as version -1 (everything it ever gets is new).
   */
  public static Map<String, String> inputVersions(Map<String, String> inputs) {
    Map<String, String> info = new HashMap<>();
    inputs.forEach((label, path) -> info.put(PREFIX + label,
        String.valueOf(DeltaTables.latestVersion(path).orElse(-1L))));
    return info;
  }

  /**
   * The days built into any of {@code outputs} (commit info {@code day}, the newest build of each day
   * counting) whose partition of an input changed after the input version that build recorded. A table
   * whose builds recorded no input versions (built before this existed) has no stale days.
   */
  public static SortedSet<LocalDate> staleDays(List<String> outputs, Map<String, String> inputs) {
    // per input: day -> the version its newest build read, over every output (the oldest read counts)
    Map<String, Map<String, Long>> read = new HashMap<>();
    for (String output : outputs) {
      Map<String, Map<String, String>> newestBuild = new HashMap<>();
      DeltaTables.commitInfos(output).forEach((version, info) -> {
        if (info.containsKey(DAY)) {
          newestBuild.put(info.get(DAY), info);
        }
      });
      newestBuild.forEach((day, info) -> inputs.keySet().forEach(label -> {
        String v = info.get(PREFIX + label);
        if (v != null) {
          read.computeIfAbsent(label, l -> new HashMap<>()).merge(day, Long.parseLong(v), Math::min);
        }
      }));
    }
    SortedSet<LocalDate> stale = new TreeSet<>();
    read.forEach((label, days) -> {
      long oldest = days.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      Map<String, Long> changed = DeltaTables.partitionsChangedAfter(inputs.get(label), oldest);
      days.forEach((day, version) -> {
        if (changed.getOrDefault(day, Long.MIN_VALUE) > version) {
          stale.add(LocalDate.parse(day));
        }
      });
    });
    return stale;
  }
}
