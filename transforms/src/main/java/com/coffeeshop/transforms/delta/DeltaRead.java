package com.coffeeshop.transforms.delta;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads a snapshot of a Delta table — the latest, a version, or the one valid at a time (time
 * travel) — as records of the given Avro schema. The snapshot is fixed when the pipeline is built,
 * so a commit made while it runs is not half-seen.
 */
public class DeltaRead extends PTransform<PBegin, PCollection<GenericRecord>> {
  private final String tablePath;
  private final String schemaJson;
  private final Long version;
  private final Long timestampMillis;
  private final String minPartitionValue;
  private final boolean onlyThatPartition;
  /** With {@link #onlyColumns}: the schema holds only those columns, and parquet decodes only them. */
  private final boolean projected;
  /** Files are read in byte ranges of at most this many bytes ({@link #withSplitBytes}). */
  public static final long DEFAULT_SPLIT_BYTES = 128L << 20;
  private long splitBytes = DEFAULT_SPLIT_BYTES;
  /** {@link #withRowGroupSplits}: one split per row group, from the files' footers. */
  private boolean rowGroupSplits;

  private DeltaRead(String tablePath, Schema schema, Long version, Long timestampMillis, String minPartitionValue,
      boolean onlyThatPartition, boolean projected) {
    this.tablePath = tablePath;
    this.schemaJson = schema.toString();
    this.version = version;
    this.timestampMillis = timestampMillis;
    this.minPartitionValue = minPartitionValue;
    this.onlyThatPartition = onlyThatPartition;
    this.projected = projected;
  }

  public static DeltaRead latest(String tablePath, Schema schema) {
    return new DeltaRead(tablePath, schema, null, null, null, false, false);
  }

  public DeltaRead atVersion(long v) {
    return sameSplits(new DeltaRead(tablePath, schema(), v, null, minPartitionValue, onlyThatPartition, projected));
  }

  public DeltaRead asOf(long epochMillis) {
    return sameSplits(new DeltaRead(tablePath, schema(), null, epochMillis, minPartitionValue, onlyThatPartition, projected));
  }

  /**
   * Reads only these columns of the schema (records of {@link #projection}): the other column chunks
   * are never decoded, and the records are smaller wherever they are shuffled.
   */
  public DeltaRead onlyColumns(List<String> columns) {
    return sameSplits(new DeltaRead(tablePath, projection(schema(), columns), version, timestampMillis,
        minPartitionValue, onlyThatPartition, true));
  }

  /** The record schema with only {@code columns}, in the schema's order; an unknown column is refused. */
  public static Schema projection(Schema schema, List<String> columns) {
    for (String c : columns) {
      if (schema.getField(c) == null) {
        throw new IllegalArgumentException("column " + c + " is not in " + schema.getFullName() + ": "
            + schema.getFields().stream().map(Schema.Field::name).toList());
      }
    }
    List<Schema.Field> fields = schema.getFields().stream().filter(f -> columns.contains(f.name()))
        .map(f -> new Schema.Field(f, f.schema())).toList();
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private Schema schema() {
    return new Schema.Parser().parse(schemaJson);
  }

  private DeltaRead sameSplits(DeltaRead c) {
    c.splitBytes = splitBytes;
    c.rowGroupSplits = rowGroupSplits;
    return c;
  }

  /** The schema rows are read as (with {@link #onlyColumns}, the projection). */
  public Schema recordSchema() {
    return schema();
  }

  /**
   * The splits of the snapshot's files this read covers ({@link #withSplitBytes}), fixed now: for a step that
   * reads them itself with {@link #readSplit} instead of applying this transform.
   */
  public List<FileSplit> splits() {
    io.delta.standalone.Snapshot snapshot = DeltaTables.snapshot(tablePath, version, timestampMillis);
    if (rowGroupSplits) {
      return DeltaTables.rowGroupSplits(tablePath, snapshot, minPartitionValue, onlyThatPartition);
    }
    return DeltaTables.splits(snapshot, minPartitionValue, onlyThatPartition, splitBytes);
  }

  /**
   * Reads one of {@link #splits} through {@code out}, in the calling DoFn: its rows are never elements
   * between two steps.
   */
  public void readSplit(FileSplit split, Schema recordSchema, java.util.function.Consumer<GenericRecord> out)
      throws IOException {
    DeltaTables.readSplit(tablePath, split, recordSchema, projected, out);
  }

  /**
   * Spreads the files over workers in byte ranges of at most {@code bytes} (default {@value #DEFAULT_SPLIT_BYTES},
   * about one row group of {@link DeltaWrite#DEFAULT_ROW_GROUP_BYTES} once compressed): a file of several row
   * groups is read by several workers at once, so a day held in one large file is not read by one worker
   * while the others wait. A split whose range holds no row group's middle reads nothing.
   */
  public DeltaRead withSplitBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("split bytes must be at least 1, got " + bytes);
    }
    DeltaRead c = new DeltaRead(tablePath, schema(), version, timestampMillis, minPartitionValue, onlyThatPartition,
        projected);
    c.splitBytes = bytes;
    return c;
  }

  /**
   * One split per parquet row group, each exactly the group's byte range, read from the files' footers when the
   * splits are listed (a few milliseconds a file, on the launching JVM): no split is empty and each is one unit
   * of work, so workers that take a split whenever they are free ({@link SplitSource}) share the rows evenly.
   * Byte ranges smaller than a group leave ranges that hold no group's middle, which are empty. For reads of a
   * few files, such as one day's partition.
   */
  public DeltaRead withRowGroupSplits() {
    DeltaRead c = sameSplits(new DeltaRead(tablePath, schema(), version, timestampMillis, minPartitionValue,
        onlyThatPartition, projected));
    c.rowGroupSplits = true;
    return c;
  }

  /**
   * Reads only files whose (single) partition value is at least {@code value}, compared as text:
   * for ISO dates, the partitions from that day on. Files are skipped, never opened.
   */
  public DeltaRead fromPartition(String value) {
    return sameSplits(new DeltaRead(tablePath, schema(), version, timestampMillis, value, false, projected));
  }

  /** Reads only the files of partition {@code value} (a single-column partitioning). */
  public DeltaRead onlyPartition(String value) {
    return sameSplits(new DeltaRead(tablePath, schema(), version, timestampMillis, value, true, projected));
  }

  @Override
  public PCollection<GenericRecord> expand(PBegin input) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    // each split a runner split of its own: the reading tasks take the next one when done (no shuffle of them)
    return input
        .apply("ListSnapshotFiles", SplitSource.of(splits()))
        .apply("ReadParquet", ParDo.of(new ReadFileFn(this)))
        .setCoder(AvroCoder.of(GenericRecord.class, schema));
  }

  static class ReadFileFn extends DoFn<FileSplit, GenericRecord> {
    private final DeltaRead read;
    private transient Schema schema;

    ReadFileFn(DeltaRead read) {
      this.read = read;
    }

    @ProcessElement
    public void process(@Element FileSplit split, OutputReceiver<GenericRecord> out) throws IOException {
      if (schema == null) {
        schema = read.recordSchema();
      }
      read.readSplit(split, schema, out::output);
    }
  }
}
