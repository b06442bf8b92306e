package com.coffeeshop.systemtests.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.pipelines.medallion.silver.PriceVersion;
import com.coffeeshop.pipelines.medallion.silver.Pricing;
import com.coffeeshop.transforms.validate.Rejected;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The subtotal contract against captured prices: a line is quarantined only when the price in force
 * at the sale was seen by bronze and nothing explains the subtotal. CF01 cost 100 from day 1, was
 * changed to 130 at 12:00 on day 2 (a run at 14:00 saw it; an earlier run at 00:10 saw 100).
 */
class PricingTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 2);

  private static long at(String time) {
    return Instant.parse(DAY + "T" + time + "Z").toEpochMilli();
  }

  private static final List<PriceVersion> CF01 = List.of(
      new PriceVersion(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), 100, at("00:10:00")),
      new PriceVersion(at("12:00:00"), 130, at("14:00:00")));

  private static Pricing price(String time, int quantity, int discount, int subtotal) throws Rejected {
    return Pricing.of(CF01, at(time), at("00:00:00"), at("00:00:00") + 86_400_000L, quantity, discount, subtotal);
  }

  @Test
  void aLineAtThePriceInForceIsValidAndItsSubtotalIsNet() throws Rejected {
    Pricing p = price("13:00:00", 2, 10, 234);
    assertThat(p.unitPrice() + " " + p.subtotal(), is("130 234"));
    assertThat(p.warning(), is(nullValue()));
  }

  @Test
  void aGrossSubtotalOnADiscountedLineIsNormalisedToNetWithAWarning() throws Rejected {
    Pricing p = price("13:00:00", 2, 10, 260);
    assertThat(p.subtotal(), is(234));
    assertThat(p.warning().rule(), is("subtotal_gross_normalised"));
  }

  @Test
  void aPriceTheProductHadEarlierThatDayIsValidWithAWarning() throws Rejected {
    Pricing p = price("13:30:00", 1, 0, 100);
    assertThat(p.unitPrice() + " " + p.warning().rule(), is("100 price_of_the_day"));
  }

  @Test
  void aPriceBronzeCouldNotHaveSeenIsAWarningNotAQuarantine() throws Rejected {
    // 11:00: after 100 was last seen (00:10) and before 130 was written: a 120 in between is possible
    assertThat(price("11:00:00", 1, 0, 120).warning().rule(), is("price_unverified"));
    // 12:02: two minutes after a change that followed such a gap, a cache may still hold the unseen price
    assertThat(price("12:02:00", 1, 0, 120).warning().rule(), is("price_unverified"));
  }

  @Test
  void aPriceContradictingOneThatWasSeenInForceIsQuarantined() {
    // 13:00: 130 was in force from 12:00 and seen at 14:00, and 120 was never the product's price that day
    Rejected r = assertThrows(Rejected.class, () -> price("13:00:00", 1, 0, 120));
    assertThat(r.rule(), is("subtotal_mismatch"));
    assertThat(r.detail(), containsString("subtotal=120 but unit_price 130 × quantity 1 less 0% = 130"));
    // noon of day 1: 100 was in force from midnight and still seen at 00:10 the next day
    assertThat(assertThrows(Rejected.class,
        () -> Pricing.of(CF01, Instant.parse("2026-11-01T12:00:00Z").toEpochMilli(),
            Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), at("00:00:00"), 1, 0, 120))
        .rule(), is("subtotal_mismatch"));
  }

  @Test
  void aLineFromBeforeTheFirstCapturedPriceIsValidUnverifiedAtThePriceItPaid() throws Rejected {
    // an order imported from October, before bronze first captured CF01 (November 1st)
    long october = Instant.parse("2026-10-01T09:00:00Z").toEpochMilli();
    long dayStart = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    Pricing p = Pricing.of(CF01, october, dayStart, dayStart + 86_400_000L, 2, 0, 180);
    assertThat(p.unitPrice() + " " + p.subtotal() + " " + p.warning().rule(), is("90 180 price_unverified"));
    assertThat(p.warning().detail(), containsString("before the product's first captured price (100"));
    // a discounted line's unit price cannot be read off its subtotal: the first captured price stands in
    assertThat(Pricing.of(CF01, october, dayStart, dayStart + 86_400_000L, 1, 20, 72).unitPrice(), is(100));
  }
}
