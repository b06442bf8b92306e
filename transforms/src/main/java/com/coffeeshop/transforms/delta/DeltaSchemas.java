package com.coffeeshop.transforms.delta;

import io.delta.standalone.types.BooleanType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DateType;
import io.delta.standalone.types.DoubleType;
import io.delta.standalone.types.FloatType;
import io.delta.standalone.types.IntegerType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Maps the Avro schemas of {@code schemas/} to Delta table schemas, the same mapping Spark applies
 * when it reads the parquet files parquet-avro writes: int/date → integer/date, long/timestamp →
 * long/timestamp, string, boolean, float, double; a union with null is a nullable column.
 */
public final class DeltaSchemas {
  private DeltaSchemas() {}

  public static StructType toDelta(Schema record) {
    if (record.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("a Delta table schema comes from an Avro record, not " + record.getType());
    }
    List<StructField> fields = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      Schema s = f.schema();
      boolean nullable = false;
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (branches.size() != 1) {
          throw new IllegalArgumentException("column " + f.name() + ": only unions of null and one type map to Delta");
        }
        nullable = true;
        s = branches.get(0);
      }
      fields.add(new StructField(f.name(), type(f.name(), s), nullable));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static DataType type(String column, Schema s) {
    switch (s.getType()) {
      case STRING:
        return new StringType();
      case BOOLEAN:
        return new BooleanType();
      case FLOAT:
        return new FloatType();
      case DOUBLE:
        return new DoubleType();
      case INT:
        return s.getLogicalType() instanceof LogicalTypes.Date ? new DateType() : new IntegerType();
      case LONG:
        return s.getLogicalType() instanceof LogicalTypes.TimestampMillis
                || s.getLogicalType() instanceof LogicalTypes.TimestampMicros
            ? new io.delta.standalone.types.TimestampType()
            : new LongType();
      default:
        throw new IllegalArgumentException("column " + column + ": Avro type " + s.getType() + " has no Delta mapping here");
    }
  }
}
