package com.coffeeshop.systemtests.testing;

/** What a failure said, whatever the runner wrapped it in. */
public final class Failures {
  private Failures() {}

  /** The failure and its causes, one per line: runners wrap a pipeline's own error in their own exceptions. */
  public static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
