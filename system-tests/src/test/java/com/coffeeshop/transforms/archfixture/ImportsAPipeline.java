package com.coffeeshop.transforms.archfixture;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;

/**
 * Breaks the layering on purpose (a "transform" that uses a pipeline class): {@code ModuleLayeringTest}
 * shows its rule catches this class, so the rule is known to be able to fail. Never used elsewhere.
 */
public final class ImportsAPipeline {
  private ImportsAPipeline() {}

  public static String bronzeOrders(String root) {
    return Lakehouse.bronze(root, "orders");
  }
}
