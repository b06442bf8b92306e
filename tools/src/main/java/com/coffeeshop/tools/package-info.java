/**
 * The operator tools: one entry point, {@link com.coffeeshop.tools.CoffeeCli} ({@code devstack/coffee},
 * {@code coffeeshop-tools.jar}), with database set-up ({@code db-init}), the reference-data loader,
 * the Redis cache warm-up, Delta vacuum and the lakehouse summary. The order generator and live view
 * are in {@code orders}, the KPI report in {@code reports}. This module depends on the pipelines; the
 * jobs never depend on it, so none of this ships to runner workers.
 */
package com.coffeeshop.tools;
