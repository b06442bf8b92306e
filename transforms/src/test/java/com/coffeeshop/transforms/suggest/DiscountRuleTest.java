package com.coffeeshop.transforms.suggest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DiscountRuleTest {
  @Test
  void discountedSubtotalIsPriceTimesQuantityLessThePercentRoundedDown() {
    assertThat(new DiscountRule(20, 1).subtotal(35000), is(28000));
    assertThat(new DiscountRule(15, 2).subtotal(29000), is(49300));
    assertThat(new DiscountRule(33, 1).subtotal(19999), is(13399)); // 13399.33 -> 13399
    assertThat(new DiscountRule(0, 1).subtotal(45000), is(45000));
  }

  @Test
  void rejectsAPercentOutsideZeroToHundred() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiscountRule(120, 1));
    assertThat(e.getMessage(), containsString("--discountPercent must be between 0 and 100"));
  }

  @Test
  void rejectsAQuantityBelowOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiscountRule(20, 0));
    assertThat(e.getMessage(), containsString("--suggestionQuantity must be at least 1"));
  }
}
