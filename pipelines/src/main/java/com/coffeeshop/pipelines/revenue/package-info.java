/**
 * Revenue per store and day straight from the landing zone: a small batch pipeline with a JDBC source,
 * a shuffle and a file sink, also the check that every runner gives the same rows.
 */
package com.coffeeshop.pipelines.revenue;
