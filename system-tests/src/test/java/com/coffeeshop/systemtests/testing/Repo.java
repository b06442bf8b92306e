package com.coffeeshop.systemtests.testing;

import java.nio.file.Path;

/** The checkout the tests run in ({@code -Dcoffee.repo}, set by the pom). */
public final class Repo {
  private Repo() {}

  public static Path root() {
    return Path.of(System.getProperty("coffee.repo", "..")).toAbsolutePath().normalize();
  }

  public static Path path(String first, String... more) {
    return root().resolve(Path.of(first, more));
  }
}
