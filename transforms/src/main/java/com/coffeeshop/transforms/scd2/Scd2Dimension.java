package com.coffeeshop.transforms.scd2;

import com.coffeeshop.transforms.scd2.Scd2.Version;
import java.time.LocalDate;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A gold SCD Type 2 dimension over Avro rows, built from the source's state on each day: the
 * {@link Scd2} rule applied day after day from the first, so the dimension is a pure function of
 * the daily states and can be rebuilt, for any day and in any order, with the same rows.
 *
 * <p>Surrogate keys stay stable across rebuilds: a version that the existing dimension already has
 * (same natural key and start date) keeps its key; a new version gets one more than the largest key
 * ever given, in the rule's fixed order. Rebuilt from the same history, the keys are the same ones.
 *
 * <p>The dimension schema has the surrogate key, the natural key, the attributes, then
 * {@code start_date}, {@code end_date} (null while current) and {@code is_current}; source rows carry
 * the natural key and every attribute under the dimension's column names.
 */
public class Scd2Dimension implements Serializable {
  private static final List<String> VALIDITY = List.of("start_date", "end_date", "is_current");

  private final String schemaJson;
  private final String surrogateKey;
  private final String naturalKey;
  private final List<String> tracked;
  private final boolean closeMissing;

  private Scd2Dimension(Schema schema, String surrogateKey, String naturalKey, List<String> tracked,
      boolean closeMissing) {
    for (String c : concat(List.of(surrogateKey, naturalKey), concat(tracked, VALIDITY))) {
      if (schema.getField(c) == null) {
        throw new IllegalArgumentException("column " + c + " is not in dimension schema " + schema.getName());
      }
    }
    this.schemaJson = schema.toString();
    this.surrogateKey = surrogateKey;
    this.naturalKey = naturalKey;
    this.tracked = List.copyOf(tracked);
    this.closeMissing = closeMissing;
  }

  /** A dimension with these columns; a change of a {@code tracked} attribute opens a new version. */
  public static Scd2Dimension of(Schema schema, String surrogateKey, String naturalKey, List<String> tracked) {
    return new Scd2Dimension(schema, surrogateKey, naturalKey, tracked, true);
  }

  /** Whether a key missing from a day's source closes its current version (default: yes). */
  public Scd2Dimension closeMissing(boolean close) {
    return new Scd2Dimension(schema(), surrogateKey, naturalKey, tracked, close);
  }

  public Schema schema() {
    return new Schema.Parser().parse(schemaJson);
  }

  /**
   * The whole dimension from the source's states, in order.
   *
   * @param daily the source's rows from each day on, until the next entry's day: every day the state changed on
   *     (a state repeated on the next entry changes nothing), up to the last the dimension covers
   * @param existing the dimension as stored (any rows; empty on the first build), for stable keys
   */
  public List<GenericRecord> build(SortedMap<LocalDate, List<GenericRecord>> daily, List<GenericRecord> existing) {
    Schema schema = schema();
    List<String> attributes = attributes(schema);
    List<Version> versions = new ArrayList<>();
    for (Map.Entry<LocalDate, List<GenericRecord>> day : daily.entrySet()) {
      versions = Scd2.apply(versions, source(day.getValue(), attributes, schema), tracked, day.getKey(), closeMissing);
    }
    Map<String, Integer> stored = new HashMap<>();
    // A natural key's first version keeps its key when its start moves earlier (built before history was backdated).
    Map<String, GenericRecord> storedFirst = new HashMap<>();
    int maxKey = 0;
    for (GenericRecord r : existing) {
      int key = (Integer) r.get(surrogateKey);
      stored.put(text(r.get(naturalKey)) + "@" + r.get("start_date"), key);
      storedFirst.merge(text(r.get(naturalKey)), r,
          (a, b) -> (Integer) a.get("start_date") <= (Integer) b.get("start_date") ? a : b);
      maxKey = Math.max(maxKey, key);
    }
    Map<String, LocalDate> firstStart = new HashMap<>();
    versions.forEach(v -> firstStart.merge(v.key(), v.startDate(), (a, b) -> a.isBefore(b) ? a : b));
    List<GenericRecord> out = new ArrayList<>();
    for (Version v : versions) { // in the rule's key order
      Integer key = stored.get(v.key() + "@" + v.startDate().toEpochDay());
      GenericRecord first = storedFirst.get(v.key());
      if (key == null && first != null && v.startDate().equals(firstStart.get(v.key()))
          && v.startDate().toEpochDay() < (Integer) first.get("start_date")) {
        key = (Integer) first.get(surrogateKey);
      }
      GenericRecord r = new GenericData.Record(schema);
      r.put(surrogateKey, key != null ? key : ++maxKey);
      r.put(naturalKey, typed(schema.getField(naturalKey), v.key()));
      attributes.forEach(a -> r.put(a, typed(schema.getField(a), v.attributes().get(a))));
      r.put("start_date", (int) v.startDate().toEpochDay());
      r.put("end_date", v.endDate() == null ? null : (int) v.endDate().toEpochDay());
      r.put("is_current", v.current());
      out.add(r);
    }
    out.sort(Comparator.comparingInt(r -> (Integer) r.get(surrogateKey)));
    return out;
  }

  private List<String> attributes(Schema schema) {
    return schema.getFields().stream().map(Schema.Field::name)
        .filter(n -> !n.equals(surrogateKey) && !n.equals(naturalKey) && !VALIDITY.contains(n)).toList();
  }

  private Map<String, Map<String, String>> source(List<GenericRecord> rows, List<String> attributes, Schema schema) {
    Map<String, Map<String, String>> now = new HashMap<>();
    for (GenericRecord r : rows) {
      Map<String, String> attrs = new HashMap<>();
      for (String a : attributes) {
        if (r.getSchema().getField(a) == null) {
          throw new IllegalArgumentException("source rows have no column " + a + " for dimension " + schema.getName());
        }
        attrs.put(a, text(r.get(a)));
      }
      String key = text(r.get(naturalKey));
      if (key == null) {
        throw new IllegalArgumentException("a source row of " + schema.getName() + " has no " + naturalKey);
      }
      if (now.put(key, attrs) != null) {
        throw new IllegalArgumentException("the source has " + naturalKey + "=" + key + " twice on one day");
      }
    }
    return now;
  }

  private static String text(Object v) {
    return v == null ? null : v.toString();
  }

  /** Text back to the column's Avro type (string, int, long, boolean; nullable or not). */
  private static Object typed(Schema.Field field, String value) {
    if (value == null) {
      return null;
    }
    Schema s = field.schema();
    if (s.getType() == Schema.Type.UNION) {
      s = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
    switch (s.getType()) {
      case STRING:
        return value;
      case INT:
        return Integer.parseInt(value);
      case LONG:
        return Long.parseLong(value);
      case BOOLEAN:
        return Boolean.parseBoolean(value);
      default:
        throw new IllegalArgumentException("dimension column " + field.name() + ": type " + s.getType() + " is not supported");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
