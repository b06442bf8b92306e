/**
 * Delta Lake tables written and read with parquet-avro and delta-standalone: ordinary Delta tables
 * (parquet files plus {@code _delta_log}) that Spark's own Delta reader reads too.
 */
package com.coffeeshop.transforms.delta;
