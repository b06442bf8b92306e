package com.coffeeshop.transforms.delta;

import java.io.Serializable;
import java.util.Map;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * A byte range of one parquet file of a table, the unit a read spreads over workers: it holds the row groups
 * whose middle falls in {@code [start, start + length)} (parquet's rule, as Hadoop and Spark splits use), so
 * the splits of a file read each of its rows exactly once. {@code tags} are the file's Delta tags (empty when it
 * has none): a bucketed write's bucket ({@link DeltaWrite#bucketedBy}).
 */
@DefaultCoder(SerializableCoder.class)
public record FileSplit(String relativePath, long start, long length, Map<String, String> tags) implements Serializable {
  public FileSplit {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
