package com.coffeeshop.pipelines.medallion.silver;

import com.coffeeshop.transforms.validate.Rejected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The subtotal contract, and the check of a line against the product's captured prices.
 *
 * <p><b>Contract:</b> {@code subtotal} is <i>net</i>: what the customer paid, {@code unit_price ×
 * quantity × (100 − discount_percent) / 100} rounded down, as the suggestion write-back stores it. The
 * gross amount is {@code unit_price × quantity}; gold carries both. A line whose subtotal is the gross
 * one while it has a discount (the seed's other convention) is normalised to net with the warning
 * {@code subtotal_gross_normalised}.
 *
 * <p>A line is never quarantined for a price the product really had that day:
 * <ol>
 *   <li>it matches the price in force at the order's time: valid;
 *   <li>it matches another price the product had during the order's day (a cache seconds behind a
 *       change): valid, warning {@code price_of_the_day};
 *   <li>the order falls where bronze cannot know the price (after the in-force version was last seen
 *       and before the next captured one, or before the first), or within {@link #CACHE_LAG} after a
 *       change that followed such a gap (a cache may still hold a price bronze never saw): valid,
 *       warning {@code price_unverified};
 *   <li>otherwise (the price in force was seen, and nothing explains the subtotal):
 *       {@code subtotal_mismatch}, quarantined.
 * </ol>
 *
 * <p>An order from before the product's first captured price (a first import of history) is valid with the warning
 * {@code price_unverified}: its unit price is what the line says it paid (subtotal over quantity, when there is no
 * discount and it divides), else the first captured price.
 */
public record Pricing(int unitPrice, int subtotal, Rejected warning) {
  /** How long after a price change a line may still carry the price before it (the suggestion job's cache). */
  public static final long CACHE_LAG = java.time.Duration.ofMinutes(5).toMillis();

  static long net(int price, int quantity, int discount) {
    return (long) price * quantity * (100 - discount) / 100;
  }

  /** Checks a line sold at {@code ts}, on the day [dayStart, dayEnd), against every captured price of its product. */
  public static Pricing of(Iterable<PriceVersion> captured, long ts, long dayStart, long dayEnd, int quantity,
      int discount, int subtotal) throws Rejected {
    List<PriceVersion> versions = new ArrayList<>();
    captured.forEach(v -> {
      if (v.changedAt() < dayEnd) {
        versions.add(v);
      }
    });
    if (versions.isEmpty()) {
      PriceVersion first = null;
      for (PriceVersion v : captured) {
        first = first == null || v.changedAt() < first.changedAt() ? v : first;
      }
      if (first == null) {
        throw new IllegalArgumentException("no captured price");
      }
      int paid = discount == 0 && quantity > 0 && subtotal % quantity == 0 ? subtotal / quantity : first.price();
      return new Pricing(paid, subtotal, new Rejected("price_unverified", "subtotal=" + subtotal + " at "
          + Instant.ofEpochMilli(ts) + ", before the product's first captured price (" + first.price() + " from "
          + Instant.ofEpochMilli(first.changedAt()) + "): unit_price " + paid + " as the line paid it"));
    }
    versions.sort(Comparator.comparingLong(PriceVersion::changedAt));
    int inForce = -1;
    for (int i = 0; i < versions.size() && versions.get(i).changedAt() <= ts; i++) {
      inForce = i;
    }
    boolean known = inForce >= 0 && ts <= versions.get(inForce).observedUntil()
        && !(inForce > 0 && ts - versions.get(inForce).changedAt() <= CACHE_LAG
            && versions.get(inForce - 1).observedUntil() < versions.get(inForce).changedAt());
    PriceVersion v = versions.get(Math.max(inForce, 0));
    int price = v.price();
    if (subtotal == net(price, quantity, discount)) {
      return new Pricing(price, subtotal, null);
    }
    if (discount > 0 && subtotal == (long) price * quantity) {
      return new Pricing(price, (int) net(price, quantity, discount), new Rejected("subtotal_gross_normalised",
          "subtotal=" + subtotal + " is unit_price " + price + " × quantity " + quantity + " before the " + discount
              + "% discount; normalised to net " + net(price, quantity, discount)));
    }
    for (int j = 0; j < versions.size(); j++) {
      boolean duringDay = versions.get(j).changedAt() < dayEnd
          && (j + 1 == versions.size() || versions.get(j + 1).changedAt() > dayStart);
      int other = versions.get(j).price();
      if (duringDay && other != price && subtotal == net(other, quantity, discount)) {
        return new Pricing(other, subtotal, new Rejected("price_of_the_day", "subtotal=" + subtotal + " is at unit_price "
            + other + ", in force at " + Instant.ofEpochMilli(versions.get(j).changedAt()) + ", not at the order's "
            + Instant.ofEpochMilli(ts) + " (" + price + ")"));
      }
    }
    String expected = "unit_price " + price + " × quantity " + quantity + " less " + discount + "% = "
        + net(price, quantity, discount);
    if (!known) {
      return new Pricing(price, subtotal, new Rejected("price_unverified", "subtotal=" + subtotal + " but " + expected
          + "; the price at " + Instant.ofEpochMilli(ts) + " is unknown: bronze last saw " + price + " at "
          + Instant.ofEpochMilli(v.observedUntil()) + " and may have missed versions after it"));
    }
    throw new Rejected("subtotal_mismatch", "subtotal=" + subtotal + " but " + expected);
  }
}
