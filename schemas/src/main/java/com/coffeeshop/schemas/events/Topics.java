package com.coffeeshop.schemas.events;

import java.util.List;

/**
 * The Kafka topics of the system, named once. The CDC topics are {@code cdc.<table>} (the connector's
 * RegexRouter, {@code docker/connect/}); the suggestion job writes the other two. The local stack
 * ({@code devstack}) and {@code docker/compose.yaml} create {@link #ALL}; a test keeps their lists equal.
 */
public final class Topics {
  private Topics() {}

  /** Debezium change events of {@code orders}: what the suggestion job reacts to. */
  public static final String CDC_ORDERS = "cdc.orders";

  public static final String CDC_ORDER_DETAILS = "cdc.order_details";
  public static final String CDC_CUSTOMERS = "cdc.customers";
  public static final String CDC_PRODUCTS = "cdc.products";
  public static final String CDC_PAYMENT_METHODS = "cdc.payment_methods";

  /** The reference tables whose changes keep the suggestion job's Redis cache fresh. */
  public static final List<String> CDC_REFERENCE = List.of(CDC_CUSTOMERS, CDC_PRODUCTS, CDC_PAYMENT_METHODS);

  /** {@link SuggestionAccepted} JSON, keyed by order id. */
  public static final String SUGGESTIONS_ACCEPTED = "order_suggestion_accepted";

  /** {@link DeadLetter} JSON: what the suggestion job could not process, with the reason. */
  public static final String SUGGESTIONS_DEAD_LETTERS = "order_suggestion_dlq";

  /** Every topic the system needs, in the order the local stack creates them. */
  public static final List<String> ALL = List.of(CDC_ORDERS, CDC_ORDER_DETAILS, CDC_PRODUCTS, CDC_PAYMENT_METHODS,
      CDC_CUSTOMERS, SUGGESTIONS_ACCEPTED, SUGGESTIONS_DEAD_LETTERS);
}
