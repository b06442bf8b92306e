package com.coffeeshop.transforms.suggest;

import java.io.Serializable;

/**
 * The special offer on a suggested product: {@code quantity} units at {@code percent} off. The
 * discounted subtotal is unit_price × quantity × (100 − percent) / 100, rounded down to whole VND.
 */
public record DiscountRule(int percent, int quantity) implements Serializable {
  public DiscountRule {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("--discountPercent must be between 0 and 100, got " + percent);
    }
    if (quantity < 1) {
      throw new IllegalArgumentException("--suggestionQuantity must be at least 1, got " + quantity);
    }
  }

  public int subtotal(int unitPrice) {
    return (int) ((long) unitPrice * quantity * (100 - percent) / 100);
  }
}
