package com.coffeeshop.schemas.events;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * An input the pipeline could not process, with everything needed to replay or inspect it: the
 * original payload (null for a tombstone), where it came from, the stage and the reason.
 */
@DefaultCoder(SerializableCoder.class)
public record DeadLetter(
    String source, String key, String payload, String stage, String reason, long failedAtMs)
    implements Serializable {}
