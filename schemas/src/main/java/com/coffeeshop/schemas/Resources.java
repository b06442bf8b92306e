package com.coffeeshop.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the contract files bundled in this module (DDL, Avro schemas, sample CSVs). */
public final class Resources {
  private Resources() {}

  /** Opens a resource under {@code com/coffeeshop/schemas/}, failing clearly if it is missing. */
  public static InputStream open(String relativePath) {
    InputStream in = Resources.class.getResourceAsStream(relativePath);
    if (in == null) {
      throw new IllegalStateException(
          "contract file com/coffeeshop/schemas/" + relativePath + " is missing from the schemas jar");
    }
    return in;
  }

  public static String text(String relativePath) {
    try (InputStream in = open(relativePath)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
