package com.coffeeshop.transforms.suggest;

import com.coffeeshop.transforms.enrich.PaymentMethod;
import java.util.Optional;

/**
 * The seed's eligibility rule: an order qualifies for a suggestion when the customer is diamond tier
 * AND the payment method is a bank transfer AND its bank is ACB. Comparisons ignore case and
 * surrounding blanks, since reference data is typed by people.
 */
public final class SuggestionRules {
  private SuggestionRules() {}

  public static boolean isDiamond(String tier) {
    return tier != null && tier.strip().equalsIgnoreCase("diamond");
  }

  public static boolean isBankTransfer(PaymentMethod m) {
    return m.methodName() != null && m.methodName().strip().equalsIgnoreCase("bank transfer");
  }

  public static boolean isAcb(PaymentMethod m) {
    return m.bank() != null && m.bank().strip().equalsIgnoreCase("ACB");
  }

  /** Why the order does not qualify, or empty when it does. */
  public static Optional<String> whyNot(String tier, PaymentMethod m) {
    if (!isDiamond(tier)) return Optional.of("customer tier is " + tier + ", not diamond");
    if (!isBankTransfer(m)) return Optional.of("payment is " + m.methodName() + ", not bank transfer");
    if (!isAcb(m)) return Optional.of("bank is " + m.bank() + ", not ACB");
    return Optional.empty();
  }

  public static boolean isEligible(String tier, PaymentMethod m) {
    return whyNot(tier, m).isEmpty();
  }
}
