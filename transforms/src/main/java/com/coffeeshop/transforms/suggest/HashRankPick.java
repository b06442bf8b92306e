package com.coffeeshop.transforms.suggest;

import com.coffeeshop.transforms.enrich.Product;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The default pick: ranks candidates by a hash of (order id, product id) and takes the first. Spreads
 * suggestions evenly over the catalog, needs no state, and gives the same product for the same order
 * and catalog on every run and every runner.
 */
public class HashRankPick implements PickStrategy {
  @Override
  public Optional<Product> pick(String orderId, Collection<Product> candidates) {
    return candidates.stream()
        .min(Comparator.comparingLong((Product p) -> rank(orderId, p.id())).thenComparing(Product::id));
  }

  static long rank(String orderId, String productId) {
    CRC32 crc = new CRC32();
    crc.update((orderId + "|" + productId).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
