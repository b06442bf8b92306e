package com.coffeeshop.tools;

import com.coffeeshop.transforms.enrich.ReferenceData;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceStore;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Loads the suggestion job's reference data from MySQL into Redis (customer tiers, payment methods,
 * products). A versioned merge, not a replace: an entry that the running job updated from CDC after
 * this command read MySQL keeps the newer value, and rows deleted in MySQL leave Redis. The job keeps
 * Redis fresh from CDC and reloads it by itself when Redis restarts empty; run this to repair drift.
 */
@Command(
    name = "warm-cache",
    mixinStandardHelpOptions = true,
    description = "Load the reference data the suggestion job needs from MySQL into Redis (versioned merge: never overwrites a newer change).")
public class WarmCacheCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Option(names = "--redis-host", defaultValue = "${env:COFFEE_REDIS_HOST:-127.0.0.1}", description = "Redis host (default: ${DEFAULT-VALUE}).")
  String redisHost;

  @Option(names = "--redis-port", defaultValue = "${env:COFFEE_REDIS_PORT:-6379}", description = "Redis port (default: ${DEFAULT-VALUE}).")
  int redisPort;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults("coffee_batch", "COFFEE_BATCH_PASSWORD");
    ReferenceData data;
    try (Connection c = db.connect()) {
      data = ReferenceData.read(c);
    }
    ReferenceStore store = ReferenceStore.of(new RedisEndpoint(redisHost, redisPort));
    long written = store.merge(data);
    spec.commandLine().getOut().printf("redis %s:%d: %d customer tiers, %d payment methods, %d products (%d entries"
            + " written, the rest already as new or newer)%n",
        redisHost, redisPort, store.size(ReferenceStore.CUSTOMER_TIER), store.size(ReferenceStore.PAYMENT_METHOD),
        store.size(ReferenceStore.PRODUCT), written);
    return 0;
  }
}
