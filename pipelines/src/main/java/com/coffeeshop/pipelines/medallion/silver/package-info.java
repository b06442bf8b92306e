/**
 * Silver's table rules: how each bronze table is cleaned, typed and validated ({@link
 * com.coffeeshop.pipelines.medallion.silver.ReferenceRules}, {@link
 * com.coffeeshop.pipelines.medallion.silver.OrderRules}), and how a reference table's daily snapshot
 * is built from the previous one plus the day's changes ({@link
 * com.coffeeshop.pipelines.medallion.silver.ReferenceSnapshot}).
 */
package com.coffeeshop.pipelines.medallion.silver;
