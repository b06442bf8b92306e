/**
 * The option mixins every job composes its Options from, each setting declared once: the landing
 * zone, the lakehouse, the day, Kafka.
 */
package com.coffeeshop.pipelines.options;
