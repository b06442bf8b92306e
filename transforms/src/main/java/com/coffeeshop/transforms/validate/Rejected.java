package com.coffeeshop.transforms.validate;

/** A row broke a rule: the rule's name (a quarantine reason, snake_case) and what was wrong, naming the column. */
public class Rejected extends Exception {
  private final String rule;

  public Rejected(String rule, String detail) {
    super(detail, null, false, false); // an expected outcome: no stack trace
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }

  public String detail() {
    return getMessage();
  }
}
