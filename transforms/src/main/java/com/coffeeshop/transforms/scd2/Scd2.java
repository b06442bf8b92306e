package com.coffeeshop.transforms.scd2;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SCD Type 2 rule for one dimension, as a pure function of (the dimension's rows, today's source
 * snapshot, the effective date), so every dimension and every runner applies exactly the same rule.
 *
 * <ul>
 *   <li>a new key → a new version from the effective date;
 *   <li>a change of a tracked column → the current version is closed ({@code endDate} = effective
 *       date, exclusive; {@code current = false}) and a new version opens on that date;
 *   <li>a change of an untracked column only → the current version is updated in place (type 1);
 *   <li>no change → nothing;
 *   <li>a key missing from the source → its current version is closed (when {@code closeMissing});
 *   <li>a key that comes back → a new version;
 *   <li>a second run on the same effective date updates the version it opened that day instead of
 *       making a zero-length one, so re-running a day changes nothing.
 * </ul>
 *
 * <p>Surrogate keys are unique: a new version gets one more than the largest ever given, and versions
 * are never deleted, so no key is reused across runs. A version is valid on days
 * {@code startDate <= d < endDate} (open-ended while current), which is what an as-of join uses.
 */
public final class Scd2 {
  private Scd2() {}

  /** One version of one dimension member. */
  public record Version(int surrogateKey, String key, Map<String, String> attributes, LocalDate startDate,
      LocalDate endDate, boolean current) implements Serializable {

    Version close(LocalDate on) {
      return new Version(surrogateKey, key, attributes, startDate, on, false);
    }

    Version with(Map<String, String> newAttributes) {
      return new Version(surrogateKey, key, newAttributes, startDate, endDate, current);
    }
  }

  /**
   * The dimension after applying {@code source} on {@code effective}.
   *
   * @param dimension every version so far (any order)
   * @param source the source snapshot: natural key → attributes
   * @param tracked the attributes whose change makes a new version
   * @return every version — untouched, updated, closed and opened — ordered by surrogate key
   */
  public static List<Version> apply(List<Version> dimension, Map<String, Map<String, String>> source,
      List<String> tracked, LocalDate effective, boolean closeMissing) {
    for (Version v : dimension) {
      if (v.startDate().isAfter(effective)) {
        throw new IllegalArgumentException("the dimension has a version of key " + v.key() + " from " + v.startDate()
            + ", after the effective date " + effective + ": SCD2 runs go forward in time (re-run the latest day, or"
            + " restore the dimension to a version before " + effective + " with Delta time travel)");
      }
    }
    int nextKey = dimension.stream().mapToInt(Version::surrogateKey).max().orElse(0) + 1;
    Map<String, Version> current = new HashMap<>();
    for (Version v : dimension) {
      if (v.current()) {
        if (current.put(v.key(), v) != null) {
          throw new IllegalStateException("dimension has two current versions of key " + v.key());
        }
      }
    }
    List<Version> out = new ArrayList<>();
    for (Version v : dimension) {
      if (!v.current()) {
        out.add(v);
      }
    }
    // Keys in a fixed order, so the same inputs always give the same surrogate keys.
    for (Map.Entry<String, Version> e : new java.util.TreeMap<>(current).entrySet()) {
      Version v = e.getValue();
      Map<String, String> now = source.get(e.getKey());
      if (now == null) {
        out.add(closeMissing ? v.close(effective) : v);
      } else if (!sameTracked(v.attributes(), now, tracked)) {
        if (v.startDate().equals(effective)) {
          out.add(v.with(now)); // opened today already: today's latest state replaces it
        } else {
          out.add(v.close(effective));
          out.add(new Version(nextKey++, e.getKey(), now, effective, null, true));
        }
      } else if (!v.attributes().equals(now)) {
        out.add(v.with(now)); // untracked change: type 1, in place
      } else {
        out.add(v);
      }
    }
    List<String> newKeys = source.keySet().stream().filter(k -> !current.containsKey(k)).sorted().toList();
    for (String k : newKeys) {
      out.add(new Version(nextKey++, k, source.get(k), effective, null, true));
    }
    out.sort(java.util.Comparator.comparingInt(Version::surrogateKey));
    return out;
  }

  private static boolean sameTracked(Map<String, String> a, Map<String, String> b, List<String> tracked) {
    for (String c : tracked) {
      if (!Objects.equals(a.get(c), b.get(c))) {
        return false;
      }
    }
    return true;
  }
}
