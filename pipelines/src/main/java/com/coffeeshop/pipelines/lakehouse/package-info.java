/**
 * The lakehouse's layout and contracts, shared by every step and the operator tools: table paths and
 * partitioning ({@link com.coffeeshop.pipelines.lakehouse.Lakehouse}), the buckets of the order id
 * ({@link com.coffeeshop.pipelines.lakehouse.OrderBuckets}), what a day is
 * ({@link com.coffeeshop.pipelines.lakehouse.BusinessDay}), which built days are stale
 * ({@link com.coffeeshop.pipelines.lakehouse.Restatement}) and silver's data-quality gate
 * ({@link com.coffeeshop.pipelines.lakehouse.DataQualityGate}).
 */
package com.coffeeshop.pipelines.lakehouse;
