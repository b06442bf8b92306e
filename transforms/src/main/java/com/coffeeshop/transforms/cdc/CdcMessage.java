package com.coffeeshop.transforms.cdc;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/** One message of a CDC topic, as read; {@code value} is null for a tombstone. */
@DefaultCoder(SerializableCoder.class)
public record CdcMessage(String topic, int partition, long offset, String key, String value)
    implements Serializable {

  /** Where the message came from, e.g. {@code cdc.orders/2@1534}, so a dead letter can point back to it. */
  public String source() {
    return topic + "/" + partition + "@" + offset;
  }
}
