package com.coffeeshop.transforms.scd2;

import com.coffeeshop.transforms.scd2.Scd2.Version;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The {@link Scd2} rule as a Beam transform over Avro rows, for any dimension: applied to the
 * source snapshot (rows carrying the natural key and every attribute under the dimension's column
 * names), with the dimension's current rows given by {@link #existing}, it emits the whole new
 * dimension, to be written back with copy-on-write (dimensions are small: the rule runs in one
 * worker, on side inputs).
 *
 * <p>The dimension schema has the surrogate key, the natural key, the attributes, then
 * {@code start_date}, {@code end_date} (null while current) and {@code is_current}.
 */
public class Scd2Dimension extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {
  private static final List<String> VALIDITY = List.of("start_date", "end_date", "is_current");

  private final String schemaJson;
  private final String surrogateKey;
  private final String naturalKey;
  private final List<String> tracked;
  private final boolean closeMissing;
  private final LocalDate effective;
  private final transient PCollection<GenericRecord> existing;

  private Scd2Dimension(Schema schema, String surrogateKey, String naturalKey, List<String> tracked,
      boolean closeMissing, LocalDate effective, PCollection<GenericRecord> existing) {
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
    this.effective = effective;
    this.existing = existing;
  }

  /** A dimension with these columns; a change of a {@code tracked} attribute opens a new version. */
  public static Scd2Dimension of(Schema schema, String surrogateKey, String naturalKey, List<String> tracked) {
    return new Scd2Dimension(schema, surrogateKey, naturalKey, tracked, true, null, null);
  }

  /** The dimension's rows so far (every version); without this, the first load. */
  public Scd2Dimension existing(PCollection<GenericRecord> rows) {
    return new Scd2Dimension(schema(), surrogateKey, naturalKey, tracked, closeMissing, effective, rows);
  }

  /** The day the source snapshot describes: new versions start, closed ones end, on it. */
  public Scd2Dimension on(LocalDate day) {
    return new Scd2Dimension(schema(), surrogateKey, naturalKey, tracked, closeMissing, day, existing);
  }

  /** Whether a key missing from the source closes its current version (default: yes). */
  public Scd2Dimension closeMissing(boolean close) {
    return new Scd2Dimension(schema(), surrogateKey, naturalKey, tracked, close, effective, existing);
  }

  private Schema schema() {
    return new Schema.Parser().parse(schemaJson);
  }

  @Override
  public PCollection<GenericRecord> expand(PCollection<GenericRecord> source) {
    if (effective == null) {
      throw new IllegalStateException("Scd2Dimension needs the effective date: .on(day)");
    }
    AvroCoder<GenericRecord> coder = AvroCoder.of(GenericRecord.class, schema());
    PCollection<GenericRecord> before = existing != null ? existing
        : source.getPipeline().apply("NoVersionsYet", Create.empty(coder));
    PCollectionView<List<GenericRecord>> dimension = before.apply("DimensionAsList", View.asList());
    PCollectionView<List<GenericRecord>> snapshot = source.apply("SourceAsList", View.asList());
    return source.getPipeline()
        .apply("Once", Create.of(0))
        .apply("ApplyScd2", ParDo.of(new DoFn<Integer, GenericRecord>() {
          @ProcessElement
          public void process(ProcessContext c) {
            apply(c.sideInput(dimension), c.sideInput(snapshot)).forEach(c::output);
          }
        }).withSideInputs(dimension, snapshot))
        .setCoder(coder);
  }

  /** The new dimension rows from the old ones and the source rows. */
  List<GenericRecord> apply(List<GenericRecord> dimensionRows, List<GenericRecord> sourceRows) {
    Schema schema = schema();
    List<String> attributes = schema.getFields().stream().map(Schema.Field::name)
        .filter(n -> !n.equals(surrogateKey) && !n.equals(naturalKey) && !VALIDITY.contains(n)).toList();
    List<Version> versions = new ArrayList<>();
    for (GenericRecord r : dimensionRows) {
      Map<String, String> attrs = new HashMap<>();
      attributes.forEach(a -> attrs.put(a, text(r.get(a))));
      versions.add(new Version((Integer) r.get(surrogateKey), text(r.get(naturalKey)), attrs,
          LocalDate.ofEpochDay((Integer) r.get("start_date")),
          r.get("end_date") == null ? null : LocalDate.ofEpochDay((Integer) r.get("end_date")),
          (Boolean) r.get("is_current")));
    }
    Map<String, Map<String, String>> now = new HashMap<>();
    for (GenericRecord r : sourceRows) {
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
        throw new IllegalArgumentException("the source snapshot has " + naturalKey + "=" + key + " twice");
      }
    }
    List<GenericRecord> out = new ArrayList<>();
    for (Version v : Scd2.apply(versions, now, tracked, effective, closeMissing)) {
      GenericRecord r = new GenericData.Record(schema);
      r.put(surrogateKey, v.surrogateKey());
      r.put(naturalKey, typed(schema.getField(naturalKey), v.key()));
      attributes.forEach(a -> r.put(a, typed(schema.getField(a), v.attributes().get(a))));
      r.put("start_date", (int) v.startDate().toEpochDay());
      r.put("end_date", v.endDate() == null ? null : (int) v.endDate().toEpochDay());
      r.put("is_current", v.current());
      out.add(r);
    }
    return out;
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
