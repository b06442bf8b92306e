package com.coffeeshop.transforms.enrich;

import com.coffeeshop.transforms.cdc.EffectRetries;
import java.io.Serializable;
import java.time.Duration;

/**
 * Where Redis is (host, port, logical database 0–15), and how long a call that cannot reach it is retried before
 * it fails ({@link EffectRetries}); serializable so DoFns carry it to workers.
 */
public record RedisEndpoint(String host, int port, int database, Duration retryBudget) implements Serializable {
  public RedisEndpoint(String host, int port) {
    this(host, port, 0);
  }

  public RedisEndpoint(String host, int port, int database) {
    this(host, port, database, EffectRetries.DEFAULT_BUDGET);
  }

  /** The same Redis, its calls retried for {@code budget}. */
  public RedisEndpoint withRetryBudget(Duration budget) {
    return new RedisEndpoint(host, port, database, budget);
  }

  @Override
  public String toString() {
    return host + ":" + port + "/" + database;
  }
}
