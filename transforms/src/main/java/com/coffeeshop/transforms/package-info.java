/**
 * Reusable PTransforms and DoFns, grouped by concern (cdc, enrich, scd2, delta, jdbc). Nothing here
 * has a main() or knows which runner executes it.
 */
package com.coffeeshop.transforms;
