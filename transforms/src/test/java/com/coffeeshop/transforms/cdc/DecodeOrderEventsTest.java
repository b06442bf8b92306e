package com.coffeeshop.transforms.cdc;

import com.coffeeshop.transforms.testing.BeamTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/** DecodeOrderEvents on the DirectRunner: each input lands in orders, dead letters, or is ignored. */
class DecodeOrderEventsTest {
  static final String INSERT =
      "{\"before\":null,\"after\":{\"id\":\"6f1c-1\",\"timestamp\":1795623351000,\"store_id\":7,"
          + "\"payment_method_id\":5,\"customer_id\":2},\"source\":{\"db\":\"coffeeshop\"},\"op\":\"c\",\"ts_ms\":1}";

  static CdcMessage msg(long offset, String value) {
    return new CdcMessage("cdc.orders", 0, offset, "\"k" + offset + "\"", value);
  }

  private static PCollectionTuple decode(Pipeline p, List<CdcMessage> input) {
    return p.apply(Create.of(input)).apply(new DecodeOrderEvents(2048));
  }

  @RegisterExtension final BeamTest beam = new BeamTest();

  private Pipeline pipeline() {
    return beam.pipeline();
  }

  @Test
  void decodesAnInsertIntoANewOrderAndDeadLettersNothing() {
    Pipeline p = pipeline();
    PCollectionTuple out = decode(p, List.of(msg(1, INSERT)));
    PAssert.that(out.get(DecodeOrderEvents.ORDERS))
        .containsInAnyOrder(new OrderCreated("6f1c-1", 2, 5, 7, 1795623351000L, "cdc.orders/0@1", INSERT));
    PAssert.that(out.get(DecodeOrderEvents.DEAD_LETTERS)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void updatesDeletesAndSnapshotReadsTriggerNothing() {
    Pipeline p = pipeline();
    PCollectionTuple out = decode(p, List.of(
        msg(1, INSERT.replace("\"op\":\"c\"", "\"op\":\"u\"")),
        msg(2, INSERT.replace("\"op\":\"c\"", "\"op\":\"r\"")),
        msg(3, "{\"before\":{\"id\":\"x\"},\"after\":null,\"op\":\"d\"}")));
    PAssert.that(out.get(DecodeOrderEvents.ORDERS)).empty();
    PAssert.that(out.get(DecodeOrderEvents.DEAD_LETTERS)).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void deadLettersEachKindOfBadEventWithPayloadAndReason() {
    List<CdcMessage> bad = new ArrayList<>();
    bad.add(msg(1, null));
    bad.add(msg(2, "not json {"));
    bad.add(msg(3, "{\"after\":{\"id\":\"a\"}}"));
    bad.add(msg(4, INSERT.replace("\"customer_id\":2", "\"customer_id\":null")));
    bad.add(msg(5, INSERT.replace("\"store_id\":7", "\"store_id\":\"seven\"")));
    bad.add(msg(6, INSERT.replace("\"op\":\"c\"", "\"op\":\"t\"")));
    String oversized = INSERT.replace("coffeeshop", "x".repeat(3000));
    bad.add(msg(7, oversized));
    bad.add(msg(8, "[1,2]"));
    Pipeline p = pipeline();
    PCollectionTuple out = decode(p, bad);
    PAssert.that(out.get(DecodeOrderEvents.ORDERS)).empty();
    PAssert.that(out.get(DecodeOrderEvents.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> d.source() + " " + d.reason())))
        .containsInAnyOrder(
            "cdc.orders/0@1 tombstone (null value): no change to decode",
            "cdc.orders/0@2 not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            "cdc.orders/0@3 missing field 'op'",
            "cdc.orders/0@4 missing field 'customer_id'",
            "cdc.orders/0@5 field 'store_id' is not a whole number: \"seven\"",
            "cdc.orders/0@6 unknown op 't'",
            "cdc.orders/0@7 oversized: " + oversized.length() + " bytes, limit 2048",
            "cdc.orders/0@8 not a JSON object");
    PAssert.that(out.get(DecodeOrderEvents.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> String.valueOf(d.payload()))))
        .satisfies(payloads -> {
          List<String> all = new ArrayList<>();
          payloads.forEach(all::add);
          assertThat("each dead letter keeps its original payload", all.contains("not json {"), is(true));
          return null;
        });
    p.run().waitUntilFinish();
  }
}
