package com.coffeeshop.pipelines.medallion.silver;

import java.io.Serializable;

/**
 * A product price as bronze captured it: in force from {@code changedAt} until the product's next
 * captured version, and known to be in force at least until {@code observedUntil}, the upper bound of the
 * bronze run that read it (bronze {@code _seen_at}). After that, until the next captured version, MySQL may have held prices that
 * no run saw.
 */
public record PriceVersion(long changedAt, int price, long observedUntil) implements Serializable {}
