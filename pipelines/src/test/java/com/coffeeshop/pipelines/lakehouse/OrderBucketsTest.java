package com.coffeeshop.pipelines.lakehouse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** Silver joins a day bucket by bucket; a day whose files are not all in one bucketing by order id is refused. */
class OrderBucketsTest {
  private static KV<Integer, FileSplit> file(int table, String name, Map<String, String> tags) {
    return KV.of(table, new FileSplit(name, 0, 100, tags));
  }

  private static Map<String, String> bucket(int buckets, int bucket) {
    return Map.of(DeltaWrite.BUCKETING_TAG, OrderBuckets.NAME + "/" + buckets, DeltaWrite.BUCKET_TAG, String.valueOf(bucket));
  }

  @Test
  void filesOfOneBucketingAreGroupedByBucketWhateverTheirNumber() {
    var buckets = OrderBuckets.of(List.of(file(0, "o-b2", bucket(3, 2)), file(1, "l-b2", bucket(3, 2)),
        file(0, "o-b0", bucket(3, 0))));
    assertThat(buckets.stream().map(b -> b.getKey() + ":" + b.getValue().stream()
        .map(f -> f.getValue().relativePath()).toList()).toList(), is(List.of("0:[o-b0]", "2:[o-b2, l-b2]")));
    assertThat("a day with no files has no buckets", OrderBuckets.of(List.of()), is(List.of()));
  }

  @Test
  void aDayWithTwoNumbersOfBucketsIsRefusedNamingTheFile() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OrderBuckets.of(List.of(file(0, "a", bucket(3, 1)), file(1, "b", bucket(16, 1)))));
    assertThat(e.getMessage(), containsString("bronze file b is bucketed as order_id/16, others of its day as order_id/3"));
  }

  @Test
  void aFileWithoutBucketsOrOfAnotherBucketingIsRefusedNamingIt() {
    assertThat(assertThrows(IllegalStateException.class,
        () -> OrderBuckets.of(List.of(file(0, "a", bucket(16, 1)), file(1, "b", Map.of())))).getMessage(),
        containsString("bronze file b is bucketed by nothing"));
    assertThat("listed first, the file without buckets is named with the day's bucketing",
        assertThrows(IllegalStateException.class,
            () -> OrderBuckets.of(List.of(file(1, "b", Map.of()), file(0, "a", bucket(3, 1))))).getMessage(),
        containsString("bronze file b is bucketed by nothing, others of its day as order_id/3"));
    assertThat(assertThrows(IllegalStateException.class, () -> OrderBuckets.of(List.of(file(0, "a",
        Map.of(DeltaWrite.BUCKETING_TAG, "customer_id/16", DeltaWrite.BUCKET_TAG, "1"))))).getMessage(),
        containsString("bronze file a is bucketed as customer_id/16"));
  }

  @Test
  void aBucketCountOutOfRangeIsRefusedNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OrderBuckets.checked(0));
    assertThat(e.getMessage(), containsString("--orderBuckets must be within 1..1024, got 0"));
  }

  @Test
  void theBucketKeyIgnoresSurroundingBlanksLikeMySqlsKeyComparison() {
    org.apache.avro.Schema schema = org.apache.avro.SchemaBuilder.record("o").fields().optionalString("id").endRecord();
    org.apache.avro.generic.GenericRecord padded = new org.apache.avro.generic.GenericData.Record(schema);
    padded.put("id", " 6c578fbf-0000 ");
    org.apache.avro.generic.GenericRecord none = new org.apache.avro.generic.GenericData.Record(schema);
    assertThat(OrderBuckets.key(padded, "id"), is("6c578fbf-0000"));
    assertThat(OrderBuckets.key(none, "id"), is(""));
  }
}
