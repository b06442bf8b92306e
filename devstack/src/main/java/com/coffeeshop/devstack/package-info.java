/**
 * The local stack without Docker: a single-node Kafka (KRaft) and a Kafka Connect worker running the
 * Debezium connector, each in its own JVM, managed by {@link com.coffeeshop.devstack.DevStackCli}.
 */
package com.coffeeshop.devstack;
