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
 * shuffle: both are written in {@value #BUCKETS} buckets of the order id ({@link DeltaWrite#bucketedBy}), so an
 * order and its lines, every version of them, whichever run wrote them, are in files of the same bucket.
 * Silver then reads and joins one bucket at a time ({@link #of}). Files without these tags (written before
 * bronze was bucketed, or by hand) make silver fall back to its shuffle by order id: the result is the same.
 */
public final class OrderBuckets {
  private OrderBuckets() {}

  /** The number of buckets: a bucket of the design-load day (1.1 M orders) holds about 160,000 bronze rows. */
  public static final int BUCKETS = 16;
  /** The bucketing's name in the files' tags. */
  static final String NAME = "order_id";
  /** The value of every file's {@link DeltaWrite#BUCKETING_TAG}. */
  static final String TAG = NAME + "/" + BUCKETS;

  /** The order id column of each bronze table bucketed by order. */
  private static final Map<String, String> ORDER_ID_COLUMNS = Map.of("orders", "id", "order_details", "order_id");

  /** The order id of a bronze order ({@code id}) or line ({@code order_id}) as silver reads it; empty when it has none. */
  public static String orderId(GenericRecord row, String column) {
    String key = Clean.text(row.get(column));
    return key == null ? "" : key;
  }

  /** Bronze's write of {@code table}: bucketed by order id for orders and order details, as it is for the others. */
  public static DeltaWrite layout(String table, DeltaWrite write) {
    String column = ORDER_ID_COLUMNS.get(table);
    return column == null ? write : write.bucketedBy(NAME, BUCKETS, row -> orderId(row, column));
  }

  /**
   * The splits of a day's bronze orders and lines (each tagged with its read's index) by bucket, when every
   * one of them is in a file of this bucketing; empty when any is not, or when there are none.
   */
  public static Optional<List<KV<Integer, List<KV<Integer, FileSplit>>>>> of(List<KV<Integer, FileSplit>> splits) {
    TreeMap<Integer, List<KV<Integer, FileSplit>>> buckets = new TreeMap<>();
    for (KV<Integer, FileSplit> split : splits) {
      Map<String, String> tags = split.getValue().tags();
      if (!TAG.equals(tags.get(DeltaWrite.BUCKETING_TAG))) {
        return Optional.empty();
      }
      buckets.computeIfAbsent(Integer.parseInt(tags.get(DeltaWrite.BUCKET_TAG)), b -> new ArrayList<>()).add(split);
    }
    List<KV<Integer, List<KV<Integer, FileSplit>>>> out = new ArrayList<>();
    buckets.forEach((bucket, files) -> out.add(KV.of(bucket, files)));
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }
}
