package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import com.coffeeshop.transforms.validate.Clean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.values.KV;

/**
 * How bronze lays out a day's {@code orders} and {@code order_details} so that silver joins them without a
 * shuffle: both are written in buckets of the order id ({@link DeltaWrite#bucketedBy}; bronze's
 * {@code --orderBuckets}, default {@value #DEFAULT_BUCKETS}), so an order and its lines, every version of them,
 * whichever run wrote them, are in files of the same bucket. Silver then reads and joins one bucket at a time
 * ({@link #of}). A day with any file outside one such bucketing (written before bronze was bucketed, by hand,
 * or with another number of buckets) makes silver fall back to its shuffle by order id: the result is the same.
 */
public final class OrderBuckets {
  private OrderBuckets() {}

  /** The default number of buckets: a bucket of the design-load day (1.1 M orders) holds about 160,000 bronze rows. */
  public static final int DEFAULT_BUCKETS = 16;
  /** The most buckets bronze writes: each is a file per table and day. */
  public static final int MAX_BUCKETS = 1024;
  /** The bucketing's name in the files' tags ({@code order_id/<buckets>}). */
  static final String NAME = "order_id";

  /** The order id column of each bronze table bucketed by order. */
  private static final Map<String, String> ORDER_ID_COLUMNS = Map.of("orders", "id", "order_details", "order_id");

  /** The order id of a bronze order ({@code id}) or line ({@code order_id}) as silver reads it; empty when it has none. */
  public static String orderId(GenericRecord row, String column) {
    String key = Clean.text(row.get(column));
    return key == null ? "" : key;
  }

  /**
   * Bronze's write of {@code table}: in {@code buckets} buckets of the order id for orders and order details,
   * as it is for the others.
   */
  public static DeltaWrite layout(String table, DeltaWrite write, int buckets) {
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("--orderBuckets must be within 1.." + MAX_BUCKETS + ", got " + buckets
          + ": each bucket is a file per table and day, and silver holds a bucket's rows in memory while it joins them");
    }
    String column = ORDER_ID_COLUMNS.get(table);
    return column == null ? write : write.bucketedBy(NAME, buckets, row -> orderId(row, column));
  }

  /**
   * The splits of a day's bronze orders and lines (each tagged with its read's index) by bucket, when every
   * one of them is in a file of one and the same bucketing by order id; empty when any is not, when two
   * numbers of buckets meet, or when there are no splits.
   */
  public static Optional<List<KV<Integer, List<KV<Integer, FileSplit>>>>> of(List<KV<Integer, FileSplit>> splits) {
    TreeMap<Integer, List<KV<Integer, FileSplit>>> buckets = new TreeMap<>();
    String bucketing = null;
    for (KV<Integer, FileSplit> split : splits) {
      Map<String, String> tags = split.getValue().tags();
      String tag = tags.get(DeltaWrite.BUCKETING_TAG);
      if (tag == null || !tag.startsWith(NAME + "/") || (bucketing != null && !bucketing.equals(tag))) {
        return Optional.empty();
      }
      bucketing = tag;
      buckets.computeIfAbsent(Integer.parseInt(tags.get(DeltaWrite.BUCKET_TAG)), b -> new ArrayList<>()).add(split);
    }
    List<KV<Integer, List<KV<Integer, FileSplit>>>> out = new ArrayList<>();
    buckets.forEach((bucket, files) -> out.add(KV.of(bucket, files)));
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }
}
