package com.coffeeshop.transforms.suggest;

import com.coffeeshop.transforms.enrich.Product;
import java.io.Serializable;
import java.util.Collection;
import java.util.Optional;

/**
 * Chooses the product to suggest for an order among the products it does not contain. Must be
 * deterministic for a given order and candidates, so a replay after a crash picks the same product.
 * A smarter strategy (co-purchase affinity from the gold layer) implements this and is named by the
 * pipeline's {@code --pickStrategy} option.
 */
public interface PickStrategy extends Serializable {
  Optional<Product> pick(String orderId, Collection<Product> candidates);
}
