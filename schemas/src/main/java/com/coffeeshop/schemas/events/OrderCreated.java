package com.coffeeshop.schemas.events;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * A newly inserted row of {@code orders}, decoded from its Debezium create event.
 *
 * @param orderTimestampMillis the order's {@code timestamp} column, epoch millis UTC (commit time)
 * @param source where the event was read (topic/partition@offset), for dead letters further on
 * @param payload the original event JSON, carried so a later dead letter holds the original input
 */
@DefaultCoder(SerializableCoder.class)
public record OrderCreated(
    String orderId,
    int customerId,
    int paymentMethodId,
    int storeId,
    long orderTimestampMillis,
    String source,
    String payload)
    implements Serializable {}
