package com.coffeeshop.transforms.cdc;

import com.coffeeshop.schemas.events.DeadLetter;
import com.coffeeshop.schemas.events.OrderCreated;
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
 * Decodes Debezium events of the {@code orders} table. Only inserts (op {@code c}) become
 * {@link OrderCreated}; updates, deletes and snapshot reads are counted and dropped, because they
 * are not new orders. Anything that cannot be decoded goes to {@link #DEAD_LETTERS} with its
 * payload and the reason. Every input lands in exactly one of: orders, ignored, dead letters.
 */
public class DecodeOrderEvents extends PTransform<PCollection<CdcMessage>, PCollectionTuple> {
  /** Newly created orders. */
  public static final TupleTag<OrderCreated> ORDERS = new TupleTag<>() {};

  /** Messages that are not decodable order events: tombstones, not JSON, missing fields, oversized. */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** Debezium events of one order row are a few hundred bytes; 64 KiB is far beyond any real one. */
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  private final int maxBytes;

  public DecodeOrderEvents() {
    this(DEFAULT_MAX_BYTES);
  }

  public DecodeOrderEvents(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public PCollectionTuple expand(PCollection<CdcMessage> input) {
    return input.apply(
        "DecodeOrderEvent",
        ParDo.of(new DecodeFn(maxBytes)).withOutputTags(ORDERS, TupleTagList.of(DEAD_LETTERS)));
  }

  static class DecodeFn extends DoFn<CdcMessage, OrderCreated> {
    private final Counter seen = Metrics.counter("suggestion", "orders_seen");
    private final Counter ignored = Metrics.counter("suggestion", "order_events_ignored");
    private final Counter dead = Metrics.counter("suggestion", "dead_lettered");
    private final int maxBytes;

    DecodeFn(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @ProcessElement
    public void process(@Element CdcMessage m, MultiOutputReceiver out) {
      try {
        ChangeEvent event = ChangeEvent.parse(m.value(), maxBytes);
        String op = event.op();
        switch (op) {
          case "c" -> {
            JsonNode row = event.row();
            out.get(ORDERS).output(new OrderCreated(
                ChangeEvent.text(row, "id"),
                ChangeEvent.integer(row, "customer_id"),
                ChangeEvent.integer(row, "payment_method_id"),
                ChangeEvent.integer(row, "store_id"),
                ChangeEvent.longInteger(row, "timestamp"),
                m.source(),
                m.value()));
            seen.inc();
          }
          case "u", "d", "r" -> ignored.inc();
          default -> throw new ChangeEvent.BadEvent("unknown op '" + op + "'");
        }
      } catch (ChangeEvent.BadEvent e) {
        dead.inc();
        out.get(DEAD_LETTERS).output(
            new DeadLetter(m.source(), m.key(), m.value(), "DecodeOrderEvents", e.getMessage(), System.currentTimeMillis()));
      }
    }
  }
}
