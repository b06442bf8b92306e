/**
 * The silver step ({@link com.coffeeshop.pipelines.medallion.silver.SilverClean}): a day's reference snapshots
 * ({@link com.coffeeshop.pipelines.medallion.silver.ReferenceSnapshot}) and its orders and lines, joined a bucket
 * at a time and checked by {@link com.coffeeshop.pipelines.medallion.silver.OrderRules}, priced by
 * {@link com.coffeeshop.pipelines.medallion.silver.Pricing}; rejected rows go to the quarantine.
 */
package com.coffeeshop.pipelines.medallion.silver;
