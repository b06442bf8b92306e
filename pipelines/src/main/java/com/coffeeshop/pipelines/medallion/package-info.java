/**
 * The daily medallion steps, one package each ({@code bronze}, {@code silver}, {@code gold}), the rules of
 * reference entities they share ({@code reference}), and {@link com.coffeeshop.pipelines.medallion.DailyBatch},
 * which runs the four steps in one JVM. A step never uses another step's classes: what they share is the
 * lakehouse's layout ({@code com.coffeeshop.pipelines.lakehouse}).
 */
package com.coffeeshop.pipelines.medallion;
