package com.coffeeshop.transforms.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * A parsed Debezium change event ({@code op}, {@code before}, {@code after}) with field accessors that
 * say precisely what is missing or malformed. Parsing failures are {@link BadEvent}s whose message is
 * the dead-letter reason.
 */
public final class ChangeEvent {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a message cannot be used; the message is the dead-letter reason. */
  public static final class BadEvent extends Exception {
    public BadEvent(String reason) {
      super(reason);
    }
  }

  private final JsonNode root;

  private ChangeEvent(JsonNode root) {
    this.root = root;
  }

  /** Parses a message value: rejects tombstones, oversized payloads, non-JSON and a missing op. */
  public static ChangeEvent parse(String value, int maxBytes) throws BadEvent {
    if (value == null) {
      throw new BadEvent("tombstone (null value): no change to decode");
    }
    int size = value.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxBytes) {
      throw new BadEvent("oversized: " + size + " bytes, limit " + maxBytes);
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (Exception e) {
      throw new BadEvent("not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new BadEvent("not a JSON object");
    }
    ChangeEvent event = new ChangeEvent(root);
    event.op();
    return event;
  }

  /** c (insert), u (update), d (delete) or r (snapshot read). */
  public String op() throws BadEvent {
    JsonNode op = root.get("op");
    if (op == null || !op.isTextual() || op.asText().isEmpty()) {
      throw new BadEvent("missing field 'op'");
    }
    return op.asText();
  }

  /** The row after the change (insert, update, read), or before it (delete). */
  public JsonNode row() throws BadEvent {
    String side = "d".equals(op()) ? "before" : "after";
    JsonNode row = root.get(side);
    if (row == null || !row.isObject()) {
      throw new BadEvent("missing field '" + side + "'");
    }
    return row;
  }

  public static String text(JsonNode row, String field) throws BadEvent {
    JsonNode v = row.get(field);
    if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
      throw new BadEvent("missing field '" + field + "'");
    }
    return v.asText();
  }

  /** A nullable text column: null when absent or JSON null. */
  public static String optionalText(JsonNode row, String field) {
    JsonNode v = row.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  public static int integer(JsonNode row, String field) throws BadEvent {
    JsonNode v = row.get(field);
    if (v == null || v.isNull()) {
      throw new BadEvent("missing field '" + field + "'");
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new BadEvent("field '" + field + "' is not a whole number: " + v);
    }
    return v.asInt();
  }

  public static long longInteger(JsonNode row, String field) throws BadEvent {
    JsonNode v = row.get(field);
    if (v == null || v.isNull()) {
      throw new BadEvent("missing field '" + field + "'");
    }
    if (!v.isIntegralNumber()) {
      throw new BadEvent("field '" + field + "' is not a whole number: " + v);
    }
    return v.asLong();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
