package com.coffeeshop.transforms.enrich;

import java.io.Serializable;

/** A row of {@code products} as the suggestion needs it. */
public record Product(String id, String name, int unitPrice) implements Serializable {}
