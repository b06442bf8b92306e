package com.coffeeshop.transforms.enrich;

import com.coffeeshop.transforms.testing.BeamTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.transforms.cdc.CdcMessage;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reference CDC events applied to a real Redis. */
class ApplyReferenceChangesTest {
  @RegisterExtension final BeamTest beam = new BeamTest();

  private final RedisEndpoint redis = TestRedis.endpoint();
  private final ReferenceStore store = ReferenceStore.of(redis);

  @BeforeEach
  void startFromKnownData() {
    TestRedis.load(store, 100, Map.of(1, "regular", 2, "gold"), List.of(new PaymentMethod(5, "Bank Transfer", "ACB")),
        List.of(new Product("CF01", "Cà phê đen đá", 29000)));
  }

  private static CdcMessage event(String topic, long offset, String json) {
    return new CdcMessage(topic, 0, offset, null, json);
  }

  @Test
  void appliesInsertsUpdatesAndDeletesAndDeadLettersTheRest() {
    Pipeline p = beam.pipeline();
    PCollectionTuple out = p.apply(Create.of(List.of(
            event("cdc.customers", 1, "{\"before\":{\"id\":1,\"tier\":\"regular\"},\"after\":{\"id\":1,\"tier\":\"diamond\",\"changed_at\":200},\"op\":\"u\"}"),
            event("cdc.customers", 2, "{\"before\":{\"id\":2,\"tier\":\"gold\",\"changed_at\":100},\"after\":null,\"op\":\"d\"}"),
            event("cdc.products", 3, "{\"after\":{\"id\":\"CF02\",\"name\":\"Bạc xỉu\",\"category_id\":1,\"unit_price\":39000,\"changed_at\":200},\"op\":\"c\"}"),
            event("cdc.products", 4, "{\"before\":{},\"after\":{\"id\":\"CF01\",\"name\":\"Cà phê đen đá\",\"unit_price\":31000,\"changed_at\":200},\"op\":\"u\"}"),
            event("cdc.payment_methods", 5, "{\"after\":{\"id\":6,\"method_name\":\"Bank Transfer\",\"bank\":null,\"changed_at\":200},\"op\":\"c\"}"),
            event("cdc.customers", 6, "{\"after\":{\"id\":3,\"name\":\"Nguyễn Văn An\",\"phone_number\":\"0901234567\",\"changed_at\":200},\"op\":\"c\"}"),
            event("cdc.customers", 7, null))))
        .apply(new ApplyReferenceChanges(redis));
    PAssert.that(out.get(ApplyReferenceChanges.APPLIED))
        .containsInAnyOrder("customers:1", "customers:2", "products:CF02", "products:CF01", "payment_methods:6");
    PAssert.that(out.get(ApplyReferenceChanges.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> d.source() + " " + d.reason())))
        .containsInAnyOrder("cdc.customers/0@6 missing field 'tier'",
            "cdc.customers/0@7 tombstone (null value): no change to decode");
    // The dead letter keeps the customer's id and the event's shape, not the name or the phone number.
    PAssert.that(out.get(ApplyReferenceChanges.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> String.valueOf(d.payload()))))
        .containsInAnyOrder("{\"after\":{\"id\":3,\"name\":\"<redacted>\",\"phone_number\":\"<redacted>\",\"changed_at\":200},\"op\":\"c\"}", "null");
    p.run().waitUntilFinish();

    assertThat("a customer who became diamond", store.tiers(List.of(1, 2, 3)), is(Map.of(1, "diamond")));
    assertThat(store.products().get("CF01").unitPrice(), is(31000));
    assertThat(store.products().get("CF02").name(), is("Bạc xỉu"));
    assertThat(store.paymentMethods().get(6).bank(), is((String) null));
  }

  @Test
  void aRowDatedInTheFutureByItsWriterDoesNotHideItsLaterChanges() {
    // updated_at is the writer's (a typo, local time written as UTC); changed_at is the database's.
    Pipeline p = beam.pipeline();
    p.apply(Create.of(List.of(
            event("cdc.customers", 1, "{\"after\":{\"id\":9,\"tier\":\"gold\",\"updated_at\":4102444800000,"
                + "\"changed_at\":200},\"op\":\"c\"}"),
            event("cdc.customers", 2, "{\"before\":{\"id\":9},\"after\":{\"id\":9,\"tier\":\"diamond\","
                + "\"updated_at\":4102444800000,\"changed_at\":300},\"op\":\"u\"}"))))
        .apply(new ApplyReferenceChanges(redis));
    p.run().waitUntilFinish();
    assertThat(store.tiers(List.of(9)), is(Map.of(9, "diamond")));
  }
}
