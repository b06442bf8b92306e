package com.coffeeshop.pipelines.medallion.bronze.archfixture;

import com.coffeeshop.pipelines.medallion.silver.SilverClean;
import java.time.LocalDate;
import java.util.SortedSet;

/**
 * Breaks the step rule on purpose (a bronze class that uses silver's): {@code ModuleLayeringTest} shows its rule
 * catches this class, so the rule is known to be able to fail. Never used elsewhere.
 */
public final class ReachesIntoSilver {
  private ReachesIntoSilver() {}

  public static SortedSet<LocalDate> silverDaysToRestate(String lake) {
    return SilverClean.staleDays(lake);
  }
}
