package com.coffeeshop.pipelines.medallion.reference;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.transforms.validate.Rejected;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * A reference table's entities on a day, from every version bronze holds: the one rule the silver
 * snapshots and the gold dimensions share, so any day gives the same answer whenever and in whatever
 * order it is built.
 *
 * <p>An entity is on day D with its newest version that passes the table's rules among those written
 * (bronze {@code _changed_at}) before D ends; a version that fails them never replaces a good one. A
 * key deleted before D began is not on D; a key deleted during D still is, with its last state, so the
 * day's orders of a product deleted that afternoon still find it (in gold it is valid through D).
 *
 * <p>Before its first captured version an entity is on every day with that version: bronze sees an entity only
 * from the day it was loaded or changed, and orders imported from before then (a team's first load of history)
 * must find their store, product and payment method. Its price then is unverified (see silver's pricing).
 */
public final class ReferenceHistory {
  /** A table's rule: the silver row of a bronze version, or why it is rejected. */
  @FunctionalInterface
  public interface Rule {
    GenericRecord silverRow(GenericRecord bronze) throws Rejected;
  }

  private final List<GenericRecord> versions = new ArrayList<>();
  private final BusinessDay days;

  /**
   * @param bronze the table's bronze rows (versions and tombstones), in any order
   * @param days what a day is
   */
  public ReferenceHistory(Iterable<GenericRecord> bronze, BusinessDay days) {
    this.days = days;
    bronze.forEach(versions::add);
    versions.sort(Comparator.comparing(ReferenceHistory::changedAt).thenComparing(Object::toString));
  }

  public static long changedAt(GenericRecord bronze) {
    return (Long) bronze.get("_changed_at");
  }

  static boolean deleted(GenericRecord bronze) {
    return (Boolean) bronze.get("_deleted");
  }

  /** The day of the first version; empty when bronze has none. */
  public Optional<LocalDate> firstDay() {
    return versions.isEmpty() ? Optional.empty() : Optional.of(days.dateOf(changedAt(versions.get(0))));
  }

  /** The versions written on {@code day} (tombstones excluded), in change order: the day's "rows in". */
  public List<GenericRecord> writtenOn(LocalDate day) {
    long start = days.start(day);
    long end = days.end(day);
    return versions.stream().filter(v -> !deleted(v) && changedAt(v) >= start && changedAt(v) < end).toList();
  }

  /** The entities on {@code day}: bronze key → silver row, ordered by key. */
  public Map<String, GenericRecord> on(LocalDate day, Rule rule) {
    long start = days.start(day);
    long end = days.end(day);
    Map<String, GenericRecord> newest = new TreeMap<>();
    Map<String, Long> newestAt = new TreeMap<>();
    Map<String, Boolean> gone = new TreeMap<>();
    for (GenericRecord v : versions) {
      long at = changedAt(v);
      if (at >= end) {
        break;
      }
      String key = String.valueOf(v.get("id"));
      if (deleted(v)) {
        if (at < start && newest.containsKey(key)) {
          gone.put(key, true);
        }
        continue;
      }
      if (newestAt.containsKey(key) && newestAt.get(key) == at) {
        continue; // a second version with the same change time: the first, in a fixed order, stays
      }
      try {
        newest.put(key, rule.silverRow(v));
        newestAt.put(key, at);
        gone.remove(key);
      } catch (Rejected invalid) {
        // quarantined on the day it was written; the last good version stays
      }
    }
    gone.keySet().forEach(newest::remove);
    Set<String> seen = new HashSet<>(newestAt.keySet());
    seen.addAll(gone.keySet());
    for (GenericRecord v : versions) { // the first valid version of each entity not yet seen by the day's end
      String key = String.valueOf(v.get("id"));
      if (changedAt(v) < end || deleted(v) || seen.contains(key)) {
        continue;
      }
      try {
        newest.put(key, rule.silverRow(v));
        seen.add(key);
      } catch (Rejected invalid) {
        // its next version may be valid
      }
    }
    return newest;
  }
}
