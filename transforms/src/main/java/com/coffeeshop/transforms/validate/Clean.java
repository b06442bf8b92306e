package com.coffeeshop.transforms.validate;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns bronze text into clean, typed values. Text is trimmed, CR/LF/tab runs become one space, and
 * the empty string or a literal {@code null}/{@code none}/{@code n/a} (any case) becomes a real null.
 * A value that cannot be used throws {@link Rejected} naming the column: {@code null_key},
 * {@code missing_value}, {@code not_a_number}, {@code unparsable_timestamp}, {@code bad_flag}.
 */
public final class Clean {
  private Clean() {}

  private static final Set<String> NULL_WORDS = Set.of("null", "none", "nil", "n/a");
  private static final Pattern BREAKS = Pattern.compile("[\\r\\n\\t]+");
  private static final Pattern SPACES = Pattern.compile(" {2,}");
  /** MySQL's DATETIME text ({@code 2026-11-25 08:30:00.123}) or ISO ({@code 2026-11-25T08:30:00}). */
  private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd")
      .optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart().appendLiteral('T').optionalEnd()
      .appendPattern("HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);

  /** The cleaned text of a value, or null. */
  public static String text(Object raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.toString();
    if (hasBreaksOrSpaceRuns(s)) {
      s = SPACES.matcher(BREAKS.matcher(s).replaceAll(" ")).replaceAll(" ");
    }
    s = s.strip();
    return s.isEmpty() || s.length() <= 4 && NULL_WORDS.contains(s.toLowerCase(Locale.ROOT)) ? null : s;
  }

  /** Whether {@link #text} has runs to collapse (most values have none: the regexes are skipped). */
  private static boolean hasBreaksOrSpaceRuns(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == '\t' || ch == ' ' && i + 1 < s.length() && s.charAt(i + 1) == ' ') {
        return true;
      }
    }
    return false;
  }

  /** A key column's cleaned text; null is {@code null_key}. */
  public static String key(GenericRecord r, String column) throws Rejected {
    String v = text(r.get(column));
    if (v == null) {
      throw new Rejected("null_key", column + " is null or empty");
    }
    return v;
  }

  /** A required column's cleaned text; null is {@code missing_value}. */
  public static String required(GenericRecord r, String column) throws Rejected {
    String v = text(r.get(column));
    if (v == null) {
      throw new Rejected("missing_value", column + " is null or empty");
    }
    return v;
  }

  /** A whole number; {@code not_a_number} otherwise. */
  public static int integer(GenericRecord r, String column) throws Rejected {
    return whole(column, required(r, column));
  }

  /** An integer key column: null is {@code null_key}, text is {@code not_a_number}. */
  public static int integerKey(GenericRecord r, String column) throws Rejected {
    return whole(column, key(r, column));
  }

  private static int whole(String column, String v) throws Rejected {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new Rejected("not_a_number", column + "='" + v + "' is not a whole number");
    }
  }

  /** A UTC date-time as epoch millis; {@code unparsable_timestamp} otherwise. */
  public static long timestamp(GenericRecord r, String column) throws Rejected {
    String v = required(r, column);
    try {
      return LocalDateTime.parse(v, DATETIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new Rejected("unparsable_timestamp", column + "='" + v + "' is not a date-time yyyy-MM-dd HH:mm:ss[.fff]");
    }
  }

  /** A 0/1 or true/false flag; {@code bad_flag} otherwise. */
  public static boolean flag(GenericRecord r, String column) throws Rejected {
    String v = required(r, column).toLowerCase(Locale.ROOT);
    switch (v) {
      case "1", "true":
        return true;
      case "0", "false":
        return false;
      default:
        throw new Rejected("bad_flag", column + "='" + v + "' is not 0/1 or true/false");
    }
  }
}
