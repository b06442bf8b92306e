/**
 * Typed rows of the real-time flow: what the CDC decoder emits, what the suggestion pipeline
 * publishes to {@code order_suggestion_accepted}, and what goes to the dead-letter topic.
 */
package com.coffeeshop.schemas.events;
