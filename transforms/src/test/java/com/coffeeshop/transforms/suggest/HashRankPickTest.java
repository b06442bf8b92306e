package com.coffeeshop.transforms.suggest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.transforms.enrich.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HashRankPickTest {
  private static List<Product> catalog() {
    List<Product> products = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      products.add(new Product(String.format("CF%02d", i), "Coffee " + i, 30000 + i * 1000));
    }
    return products;
  }

  @Test
  void picksTheSameProductForTheSameOrderWhateverTheCandidateOrder() {
    List<Product> a = catalog();
    List<Product> b = catalog();
    Collections.reverse(b);
    for (int i = 0; i < 50; i++) {
      String order = UUID.nameUUIDFromBytes(("o" + i).getBytes()).toString();
      assertThat(new HashRankPick().pick(order, a), is(new HashRankPick().pick(order, b)));
    }
  }

  @Test
  void spreadsSuggestionsOverTheCatalog() {
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      picked.add(new HashRankPick().pick(UUID.nameUUIDFromBytes(("o" + i).getBytes()).toString(), catalog())
          .orElseThrow().id());
    }
    assertThat(picked.size(), greaterThan(15));
  }

  @Test
  void picksNothingFromNoCandidates() {
    assertThat(new HashRankPick().pick("x", List.of()), is(Optional.empty()));
  }
}
