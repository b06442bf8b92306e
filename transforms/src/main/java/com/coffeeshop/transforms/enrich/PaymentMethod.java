package com.coffeeshop.transforms.enrich;

import java.io.Serializable;

/** A row of {@code payment_methods}; {@code bank} is null unless it is a bank transfer. */
public record PaymentMethod(int id, String methodName, String bank) implements Serializable {}
