package com.coffeeshop.transforms.enrich;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.transforms.cdc.PersonalData;
import com.coffeeshop.transforms.cdc.CdcMessage;
import com.coffeeshop.transforms.cdc.ChangeEvent;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Keeps the Redis reference data in step with MySQL: applies Debezium events of {@code customers},
 * {@code products} and {@code payment_methods} (insert, update, snapshot read → HSET; delete → HDEL).
 * Emits the id of every applied change; undecodable events go to {@link #DEAD_LETTERS}.
 * Idempotent and order-safe: each write carries the row's {@code changed_at}, and Redis keeps the
 * newest version, so a replayed old event or a concurrent warm-up never overwrites a newer value.
 */
public class ApplyReferenceChanges extends PTransform<PCollection<CdcMessage>, PCollectionTuple> {
  /** "table:id" of each change applied to Redis. */
  public static final TupleTag<String> APPLIED = new TupleTag<>() {};

  /** Reference events that could not be applied, with the reason. */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final RedisEndpoint redis;

  public ApplyReferenceChanges(RedisEndpoint redis) {
    this.redis = redis;
  }

  @Override
  public PCollectionTuple expand(PCollection<CdcMessage> input) {
    return input.apply("ApplyToRedis",
        ParDo.of(new ApplyFn(redis)).withOutputTags(APPLIED, TupleTagList.of(DEAD_LETTERS)));
  }

  static class ApplyFn extends DoFn<CdcMessage, String> {
    private final Counter applied = Metrics.counter("reference", "changes_applied");
    private final Counter dead = Metrics.counter("suggestion", "dead_lettered");
    private final RedisEndpoint redis;
    private transient ReferenceStore store;

    ApplyFn(RedisEndpoint redis) {
      this.redis = redis;
    }

    @Setup
    public void setup() {
      store = ReferenceStore.of(redis);
    }

    @ProcessElement
    public void process(@Element CdcMessage m, MultiOutputReceiver out) {
      try {
        ChangeEvent event = ChangeEvent.parse(m.value(), 64 * 1024);
        boolean delete = "d".equals(event.op());
        JsonNode row = event.row();
        // The row's changed_at (set by the database only) orders this change against the warm-up and
        // read-through (ReferenceStore).
        long version = ChangeEvent.longInteger(row, "changed_at");
        ReferenceStore.Mode mode = "c".equals(event.op()) ? ReferenceStore.Mode.CREATE : ReferenceStore.Mode.CHANGE;
        String table = m.topic().substring(m.topic().lastIndexOf('.') + 1);
        String id;
        switch (table) {
          case "customers" -> {
            id = String.valueOf(ChangeEvent.integer(row, "id"));
            if (delete) store.delete(ReferenceStore.CUSTOMER_TIER, id, version, mode);
            else store.putCustomer(Integer.parseInt(id), ChangeEvent.text(row, "tier"), version, mode);
          }
          case "payment_methods" -> {
            id = String.valueOf(ChangeEvent.integer(row, "id"));
            if (delete) store.delete(ReferenceStore.PAYMENT_METHOD, id, version, mode);
            else store.putPaymentMethod(new PaymentMethod(Integer.parseInt(id),
                ChangeEvent.text(row, "method_name"), ChangeEvent.optionalText(row, "bank")), version, mode);
          }
          case "products" -> {
            id = ChangeEvent.text(row, "id");
            if (delete) store.delete(ReferenceStore.PRODUCT, id, version, mode);
            else store.putProduct(new Product(id, ChangeEvent.text(row, "name"), ChangeEvent.integer(row, "unit_price")),
                version, mode);
          }
          default -> throw new ChangeEvent.BadEvent("topic " + m.topic() + " is not a reference table this job follows");
        }
        applied.inc();
        out.get(APPLIED).output(table + ":" + id);
      } catch (ChangeEvent.BadEvent e) {
        dead.inc();
        // A customer's event carries name and phone number: the dead letter keeps the rest.
        String payload = m.topic().endsWith(".customers") ? PersonalData.redact(m.value()) : m.value();
        out.get(DEAD_LETTERS).output(new DeadLetter(m.source(), m.key(), payload, "ApplyReferenceChanges",
            e.getMessage(), System.currentTimeMillis()));
      }
    }
  }
}
