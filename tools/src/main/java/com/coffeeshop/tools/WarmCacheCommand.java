package com.coffeeshop.tools;

import com.coffeeshop.transforms.enrich.PaymentMethod;
import com.coffeeshop.transforms.enrich.Product;
import com.coffeeshop.transforms.enrich.RedisEndpoint;
import com.coffeeshop.transforms.enrich.ReferenceStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Loads the suggestion job's reference data from MySQL into Redis (customer tiers, payment methods,
 * products), replacing what was there in one atomic step. The running job keeps Redis fresh from CDC
 * afterwards; run this at start-up or to repair drift.
 */
@Command(
    name = "warm-cache",
    mixinStandardHelpOptions = true,
    description = "Load the reference data the suggestion job needs from MySQL into Redis (atomic replace).")
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
    Map<Integer, String> tiers = new HashMap<>();
    List<PaymentMethod> methods = new ArrayList<>();
    List<Product> products = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, tier FROM customers")) {
        while (rs.next()) tiers.put(rs.getInt(1), rs.getString(2));
      }
      try (ResultSet rs = s.executeQuery("SELECT id, method_name, bank FROM payment_methods")) {
        while (rs.next()) methods.add(new PaymentMethod(rs.getInt(1), rs.getString(2), rs.getString(3)));
      }
      try (ResultSet rs = s.executeQuery("SELECT id, name, unit_price FROM products")) {
        while (rs.next()) products.add(new Product(rs.getString(1), rs.getString(2), rs.getInt(3)));
      }
    }
    ReferenceStore store = ReferenceStore.of(new RedisEndpoint(redisHost, redisPort));
    store.replaceAll(tiers, methods, products);
    spec.commandLine().getOut().printf("redis %s:%d: %d customer tiers, %d payment methods, %d products%n",
        redisHost, redisPort, store.size(ReferenceStore.CUSTOMER_TIER), store.size(ReferenceStore.PAYMENT_METHOD),
        store.size(ReferenceStore.PRODUCT));
    return 0;
  }
}
