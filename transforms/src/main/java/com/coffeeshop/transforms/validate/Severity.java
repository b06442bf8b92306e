package com.coffeeshop.transforms.validate;

import java.util.Map;
import java.util.TreeMap;

/**
 * What breaking a data-quality rule does, for every rule, in this one place.
 *
 * <ul>
 *   <li>{@link #WARN}: the row stays valid (normalised where the rule says how); a copy goes to the
 *       quarantine table with severity {@code warn}, and the report counts it under "warned";
 *   <li>{@link #QUARANTINE}: the row leaves the valid data for the quarantine table; the gate fails
 *       the day when a table's quarantined share is over its threshold;
 *   <li>{@link #FAIL}: one such row fails the run after the report is written, whatever the share.
 * </ul>
 */
public enum Severity {
  WARN, QUARANTINE, FAIL;

  private static final Map<String, Severity> RULES = new TreeMap<>(Map.ofEntries(
      // the row cannot be read: its key, a number, a flag or a time is missing or malformed
      Map.entry("null_key", QUARANTINE),
      Map.entry("missing_value", QUARANTINE),
      Map.entry("not_a_number", QUARANTINE),
      Map.entry("bad_flag", QUARANTINE),
      Map.entry("unparsable_timestamp", QUARANTINE),
      // the row contradicts the business: it is wrong, not merely unverifiable
      Map.entry("non_positive_price", QUARANTINE),
      Map.entry("non_positive_quantity", QUARANTINE),
      Map.entry("discount_out_of_range", QUARANTINE),
      Map.entry("unknown_tier", QUARANTINE),
      Map.entry("unknown_category", QUARANTINE),
      Map.entry("unknown_product", QUARANTINE),
      Map.entry("unknown_order", QUARANTINE),
      Map.entry("unknown_store", QUARANTINE),
      Map.entry("unknown_payment_method", QUARANTINE),
      Map.entry("unknown_customer", QUARANTINE),
      Map.entry("duplicate_key", QUARANTINE),
      Map.entry("future_timestamp", QUARANTINE),
      // the price in force at the sale was seen and the line matches no convention and no price of the day
      Map.entry("subtotal_mismatch", QUARANTINE),
      // an order in another day's bronze partition: bronze and silver disagree on what a day is, so every
      // figure of the day would be wrong; stop instead of reporting them
      Map.entry("wrong_day", FAIL),
      // the line is kept: its subtotal is gross (unit_price × quantity), normalised to net
      Map.entry("subtotal_gross_normalised", WARN),
      // the line is kept: sold at a price the product had at another moment of that day (a cache a few
      // seconds behind a price change)
      Map.entry("price_of_the_day", WARN),
      // the line is kept: the price at the moment of sale cannot be known from what bronze captured (the
      // product may have had versions between two bronze runs that MySQL overwrote)
      Map.entry("price_unverified", WARN)));

  /** The severity of {@code rule}; an unknown rule is a programming error, named. */
  public static Severity of(String rule) {
    Severity s = RULES.get(rule);
    if (s == null) {
      throw new IllegalArgumentException("data-quality rule '" + rule + "' has no severity: add it to Severity.RULES");
    }
    return s;
  }

  /** Every rule and its severity, for the README table and the tests. */
  public static Map<String, Severity> rules() {
    return RULES;
  }

  /** As written in the quarantine table's {@code severity} column. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
