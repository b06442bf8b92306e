package com.coffeeshop.pipelines.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** Silver joins a day bucket by bucket only when all its files share one bucketing by order id. */
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
    assertThat(buckets.orElseThrow().stream().map(b -> b.getKey() + ":" + b.getValue().stream()
        .map(f -> f.getValue().relativePath()).toList()).toList(), is(List.of("0:[o-b0]", "2:[o-b2, l-b2]")));
  }

  @Test
  void twoNumbersOfBucketsOrAFileWithoutTagsOrNoFilesMeanTheShuffle() {
    assertThat("3 and 16 buckets in one day", OrderBuckets.of(List.of(file(0, "a", bucket(3, 1)), file(1, "b", bucket(16, 1)))),
        is(Optional.empty()));
    assertThat("a file without tags", OrderBuckets.of(List.of(file(0, "a", bucket(16, 1)), file(1, "b", Map.of()))),
        is(Optional.empty()));
    assertThat("another bucketing", OrderBuckets.of(List.of(file(0, "a", Map.of(DeltaWrite.BUCKETING_TAG, "customer_id/16",
        DeltaWrite.BUCKET_TAG, "1")))), is(Optional.empty()));
    assertThat(OrderBuckets.of(List.of()), is(Optional.empty()));
  }

  @Test
  void aBucketCountOutOfRangeIsRefusedNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OrderBuckets.layout("orders", null, 0));
    assertThat(e.getMessage(), containsString("--orderBuckets must be within 1..1024, got 0"));
  }
}
