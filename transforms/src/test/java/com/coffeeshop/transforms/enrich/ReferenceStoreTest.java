package com.coffeeshop.transforms.enrich;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.transforms.enrich.ReferenceStore.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis reference store against a real Redis: versioned writes, merges, a brief outage. */
class ReferenceStoreTest {
  private final RedisEndpoint redis = TestRedis.endpoint();
  private final ReferenceStore store = ReferenceStore.of(redis);

  @BeforeEach
  void empty() {
    store.clear();
  }

  @Test
  void aSnapshotReadBeforeAChangeNeverOverwritesIt() {
    // The job applied the CDC change (customer 1 downgraded at t=200) while warm-up was reading MySQL (t=100).
    store.putCustomer(1, "gold", 200, Mode.CHANGE);
    store.merge(TestRedis.snapshot(100, 100, Map.of(1, "diamond", 2, "diamond"), List.of(), List.of()));
    assertThat(store.tiers(List.of(1, 2)), is(Map.of(1, "gold", 2, "diamond")));
  }

  @Test
  void aReplayedOlderChangeDoesNotUndoANewerOne() {
    store.putCustomer(1, "diamond", 100, Mode.CHANGE);
    store.putCustomer(1, "gold", 200, Mode.CHANGE);
    assertThat(store.putCustomer(1, "diamond", 100, Mode.CHANGE), is(false));
    assertThat(store.tiers(List.of(1)), is(Map.of(1, "gold")));
  }

  @Test
  void aDeletedRowStaysDeletedAgainstAnOlderSnapshotButAReinsertBringsItBack() {
    store.putProduct(new Product("CF01", "Cà phê đen đá", 29000), 100, Mode.CHANGE);
    store.delete(ReferenceStore.PRODUCT, "CF01", 200, Mode.CHANGE);
    store.merge(TestRedis.snapshot(50, 100, Map.of(), List.of(), List.of(new Product("CF01", "Cà phê đen đá", 29000))));
    assertThat(store.products(), is(Map.of()));
    // Inserted again (a loader may give the new row an older updated_at): a CDC insert wins over the tombstone.
    store.putProduct(new Product("CF01", "Cà phê đen đá", 31000), 150, Mode.CREATE);
    assertThat(store.products(), is(Map.of("CF01", new Product("CF01", "Cà phê đen đá", 31000))));
  }

  @Test
  void mergeRemovesWhatMysqlNoLongerHasUnlessItChangedSinceTheSnapshot() {
    store.putCustomer(9, "gold", 100, Mode.CHANGE);   // deleted in MySQL long ago
    store.putCustomer(10, "gold", 300, Mode.CREATE);  // inserted after the snapshot was read
    assertThat(store.loaded(), is(false));
    store.merge(TestRedis.snapshot(200, 100, Map.of(1, "regular"), List.of(), List.of()));
    assertThat(store.tiers(List.of(1, 9, 10)), is(Map.of(1, "regular", 10, "gold")));
    assertThat("a full load marks the store loaded", store.loaded(), is(true));
  }

  @Test
  void retriesThroughABriefOutageInsteadOfFailing() {
    TestRedis.load(store, 1, Map.of(7, "diamond"), List.of(), List.of());
    try (Jedis admin = new Jedis(redis.host(), redis.port())) {
      admin.select(redis.database());
      admin.clientPause(3000); // commands hang 3 s; the store's socket timeout is 2 s
    }
    long started = System.nanoTime();
    Map<Integer, String> tiers = store.tiers(List.of(7));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(tiers, is(Map.of(7, "diamond")));
    // Longer than one timeout: the first attempt timed out and a retry got the answer.
    assertThat(tookMs, greaterThanOrEqualTo(2000L));
  }
}
