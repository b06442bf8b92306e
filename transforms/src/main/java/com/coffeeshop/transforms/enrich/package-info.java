/**
 * Reference data for the real-time path: its Redis layout, the writer that keeps it fresh from CDC,
 * and the small in-process cache in front of Redis that serves the per-order lookups.
 */
package com.coffeeshop.transforms.enrich;
