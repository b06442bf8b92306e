package com.coffeeshop.tools;

import java.util.List;

/** Reference CSVs that cannot be loaded; each problem names file, line, column and what is wrong. */
public class ReferenceDataException extends Exception {
  private final List<String> problems;

  public ReferenceDataException(List<String> problems) {
    super(summarise(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String summarise(List<String> problems) {
    int shown = Math.min(problems.size(), 20);
    StringBuilder sb =
        new StringBuilder("reference data rejected, nothing was loaded (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems.subList(0, shown)) {
      sb.append("\n  ").append(p);
    }
    if (shown < problems.size()) {
      sb.append("\n  … and ").append(problems.size() - shown).append(" more");
    }
    return sb.toString();
  }
}
