package com.coffeeshop.pipelines.lakehouse;

import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.values.KV;

/**
 * How bronze lays out {@code orders} and {@code order_details} so that silver joins a day without a shuffle:
 * both are written in buckets of the order id, so an order and its lines, every version of them, whichever
 * run wrote them, are in files of one bucket ({@link DeltaWrite#bucketedBy}; each file's Delta tags name its
 * bucket). The number of buckets is fixed when a bronze table is created (bronze's {@code --orderBuckets},
 * default {@value #DEFAULT_BUCKETS}); changing it means rebuilding bronze, so a day's files always agree.
 */
public final class OrderBuckets {
  private OrderBuckets() {}

  /** The default number of buckets: a bucket of a 1.1 M-order day holds about 160,000 bronze rows. */
  public static final int DEFAULT_BUCKETS = 16;
  /** The most buckets bronze writes: each is a file per table and day. */
  public static final int MAX_BUCKETS = 1024;
  /** The bucketing's name in the files' tags ({@code order_id/<buckets>}) and in bronze's commits. */
  public static final String NAME = "order_id";

  /** The order id column of each bronze table bucketed by order. */
  private static final Map<String, String> ORDER_ID_COLUMNS = Map.of("orders", "id", "order_details", "order_id");

  /**
   * The bucket key of a bronze order ({@code id}) or line ({@code order_id}): the id's text without surrounding
   * blanks (which MySQL's key comparison ignores at the end); empty when it has none. An order id is a UUID, so
   * this is also the id silver keeps.
   */
  public static String key(GenericRecord row, String column) {
    Object id = row.get(column);
    return id == null ? "" : id.toString().strip();
  }

  /** Bronze's write of {@code table}: bucketed by order id for orders and order details, as it is otherwise. */
  static DeltaWrite layout(String table, DeltaWrite write, int buckets) {
    String column = ORDER_ID_COLUMNS.get(table);
    return column == null ? write : write.bucketedBy(NAME, checked(buckets), row -> key(row, column));
  }

  /** {@code buckets}, within 1..{@value #MAX_BUCKETS}. */
  public static int checked(int buckets) {
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("--orderBuckets must be within 1.." + MAX_BUCKETS + ", got " + buckets
          + ": each bucket is a file per table and day, and silver holds a bucket's rows in memory while it joins them");
    }
    return buckets;
  }

  /**
   * The splits of a day's bronze orders and lines (each tagged with its read's index) by bucket. Every split
   * must be in a file of one and the same bucketing by order id: bronze writes no other kind.
   *
   * @throws IllegalStateException naming the file that is not, and what to do
   */
  public static List<KV<Integer, List<KV<Integer, FileSplit>>>> of(List<KV<Integer, FileSplit>> splits) {
    TreeMap<Integer, List<KV<Integer, FileSplit>>> buckets = new TreeMap<>();
    // The day's bucketing is its first bucketed file's, whatever order the runner lists the files in.
    String bucketing = splits.stream().map(s -> s.getValue().tags().get(DeltaWrite.BUCKETING_TAG))
        .filter(t -> t != null && t.startsWith(NAME + "/")).findFirst().orElse(null);
    for (KV<Integer, FileSplit> split : splits) {
      Map<String, String> tags = split.getValue().tags();
      String tag = tags.get(DeltaWrite.BUCKETING_TAG);
      if (tag == null || !tag.equals(bucketing)) {
        throw new IllegalStateException("bronze file " + split.getValue().relativePath() + " is bucketed "
            + (tag == null ? "by nothing" : "as " + tag) + (bucketing == null ? "" : ", others of its day as " + bucketing)
            + ": silver joins a day's orders and lines a bucket at a time, so every file of the day must be in the"
            + " same buckets of the order id. Rebuild bronze with BronzeIngest (it writes no other kind of file)");
      }
      buckets.computeIfAbsent(Integer.parseInt(tags.get(DeltaWrite.BUCKET_TAG)), b -> new ArrayList<>()).add(split);
    }
    List<KV<Integer, List<KV<Integer, FileSplit>>>> out = new ArrayList<>();
    buckets.forEach((bucket, files) -> out.add(KV.of(bucket, files)));
    return out;
  }
}
