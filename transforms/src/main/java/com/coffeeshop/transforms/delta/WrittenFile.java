package com.coffeeshop.transforms.delta;

import java.io.Serializable;
import java.util.Map;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * A parquet file written into a table's folder, not yet part of any commit; {@code tags} go into its Delta
 * {@code AddFile} (a bucketed write's bucket, see {@link DeltaWrite#bucketedBy}; empty when none).
 */
@DefaultCoder(SerializableCoder.class)
public record WrittenFile(String relativePath, Map<String, String> partitionValues, long size, long modificationTime,
    long records, Map<String, String> tags) implements Serializable {}
