package com.coffeeshop.schemas.events;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * A suggestion made for an order and (by the seed's rule) accepted: the JSON value published to
 * {@code order_suggestion_accepted}, keyed by {@code order_id}, and the {@code order_details} line
 * recorded with {@code is_suggestion = 1}. Field names are the JSON names.
 *
 * @param subtotal unit_price × quantity × (100 − discount_percent) / 100, rounded down to whole VND
 * @param order_committed_at_ms the order's commit time, epoch millis UTC
 * @param suggested_at_ms when the pipeline made the suggestion, epoch millis UTC
 */
@DefaultCoder(SerializableCoder.class)
public record SuggestionAccepted(
    String order_id,
    String product_id,
    String product_name,
    int quantity,
    int unit_price,
    int discount_percent,
    int subtotal,
    long order_committed_at_ms,
    long suggested_at_ms)
    implements Serializable {}
