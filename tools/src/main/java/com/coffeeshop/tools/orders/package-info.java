/**
 * Orders written into the landing zone and watched on the way out: the seeded order generator
 * ({@code generate-orders}, {@code bench-generator}), the live view of the suggestion job
 * ({@code live}, {@code bench-latency}) and the Kafka reading helpers they share.
 */
package com.coffeeshop.tools.orders;
