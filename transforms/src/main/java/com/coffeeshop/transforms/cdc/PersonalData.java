package com.coffeeshop.transforms.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Removes customers' personal data (name, phone number) from a change event before it is kept
 * anywhere outside MySQL, such as the dead-letter topic. What stays is what replay and diagnosis
 * need: the ids, the tier, the times, the operation and the source position.
 */
public final class PersonalData {
  /** The columns of {@code customers} that identify a person. */
  public static final Set<String> CUSTOMER_FIELDS = Set.of("name", "phone_number");
  public static final String REDACTED = "<redacted>";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PersonalData() {}

  /**
   * The payload with every personal field replaced by {@value #REDACTED}, at any depth (before and
   * after images); a payload that is not JSON cannot be inspected and is withheld whole.
   */
  public static String redact(String payload) {
    if (payload == null) return null;
    try {
      JsonNode root = JSON.readTree(payload);
      redactIn(root);
      return JSON.writeValueAsString(root);
    } catch (Exception e) {
      return "<withheld: not JSON, may hold personal data; " + payload.length() + " chars>";
    }
  }

  private static void redactIn(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String field : CUSTOMER_FIELDS) {
        if (object.hasNonNull(field)) object.put(field, REDACTED);
      }
      object.elements().forEachRemaining(PersonalData::redactIn);
    } else if (node != null && node.isArray()) {
      node.elements().forEachRemaining(PersonalData::redactIn);
    }
  }
}
