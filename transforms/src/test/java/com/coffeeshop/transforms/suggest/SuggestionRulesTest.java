package com.coffeeshop.transforms.suggest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.transforms.enrich.PaymentMethod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionRulesTest {
  private static final PaymentMethod ACB_TRANSFER = new PaymentMethod(5, "Bank Transfer", "ACB");
  private static final PaymentMethod VCB_TRANSFER = new PaymentMethod(6, "Bank Transfer", "Vietcombank");
  private static final PaymentMethod CASH = new PaymentMethod(1, "Cash", null);
  private static final PaymentMethod ACB_CARD = new PaymentMethod(2, "Credit Card", "ACB");

  @Test
  void suggestsWhenDiamondPaysByAcbBankTransfer() {
    assertThat(SuggestionRules.isEligible("diamond", ACB_TRANSFER), is(true));
    assertThat(SuggestionRules.whyNot("diamond", ACB_TRANSFER), is(Optional.empty()));
  }

  @Test
  void suggestsNothingWhenCustomerIsNotDiamond() {
    for (String tier : new String[] {"gold", "silver", "regular", null}) {
      assertThat(tier, SuggestionRules.isEligible(tier, ACB_TRANSFER), is(false));
    }
    assertThat(SuggestionRules.whyNot("gold", ACB_TRANSFER).get(), is("customer tier is gold, not diamond"));
  }

  @Test
  void suggestsNothingWhenPaymentIsNotBankTransfer() {
    assertThat(SuggestionRules.isEligible("diamond", CASH), is(false));
    assertThat("a card issued by ACB is still not a bank transfer", SuggestionRules.isEligible("diamond", ACB_CARD),
        is(false));
  }

  @Test
  void suggestsNothingWhenBankTransferIsNotAcb() {
    assertThat(SuggestionRules.isEligible("diamond", VCB_TRANSFER), is(false));
    assertThat(SuggestionRules.whyNot("diamond", VCB_TRANSFER).get(), is("bank is Vietcombank, not ACB"));
  }

  @Test
  void ignoresCaseAndSurroundingBlanksInReferenceData() {
    assertThat(SuggestionRules.isEligible(" Diamond ", new PaymentMethod(5, "bank transfer ", " acb")), is(true));
  }
}
