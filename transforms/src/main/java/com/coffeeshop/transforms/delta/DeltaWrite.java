package com.coffeeshop.transforms.delta;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import java.io.IOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Writes records into a Delta table: parquet files (parquet-avro, snappy) under the table folder,
 * named with the run id so no run ever overwrites another's file, then <b>one</b> delta-standalone
 * commit for the whole run. Until that commit the table is exactly as it was: a run that dies
 * before it leaves only orphan files, which no snapshot references (vacuum removes them).
 *
 * <p>Files: a bundle of at least {@link #withLargeBundleRows large-bundle rows} is written where it is,
 * one file per partition, with no shuffle (Flink and Spark batch bundles are whole partitions of the
 * data, so a run writes about one file per worker and partition). The rows of smaller bundles (the
 * Direct runner's, or a run with few rows) are gathered by a shuffle into at most
 * {@link #withShards shards} files per partition, so a table never fills up with one tiny file per
 * bundle. A bundle that fails leaves its files uncommitted: only the files of bundles that succeeded
 * reach the commit.
 *
 * <p>Modes: {@link Mode#APPEND}; {@link Mode#OVERWRITE} (the run's rows replace the table);
 * {@link Mode#REPLACE_PARTITIONS} (the run's rows replace the partitions they fall in, so re-running
 * a day gives the same table). A run with no rows commits nothing. The commit's user metadata holds
 * {@code commitInfo} as JSON (run id, source watermark range…), read back with
 * {@link DeltaTables#userMetadata}. Emits the committed version.
 *
 * <p>Buckets ({@link #bucketedBy}): each file then holds the rows of one bucket of a key, named in the file's
 * Delta tags, so a reader can join two tables bucketed alike one bucket at a time, without a shuffle.
 */
public class DeltaWrite extends PTransform<PCollection<GenericRecord>, PCollection<Long>> {
  /** How a run's rows relate to what the table holds. */
  public enum Mode { APPEND, OVERWRITE, REPLACE_PARTITIONS }

  public static final int DEFAULT_SHARDS = 4;
  public static final int DEFAULT_LARGE_BUNDLE_ROWS = 50_000;
  /**
   * Parquet row groups of about this many (buffered, uncompressed) bytes: parquet's own default. A file
   * larger than that has several row groups, which a reader spreads over workers
   * ({@link DeltaRead#withSplitBytes}, {@link DeltaRead#withRowGroupSplits}). A table whose day a later step
   * shares out group by group asks for smaller ones ({@link #withRowGroupBytes}: silver's order lines).
   */
  public static final long DEFAULT_ROW_GROUP_BYTES = 128L << 20;

  private final String tablePath;
  private final String schemaJson;
  private String partitionColumn;
  private Mode mode = Mode.APPEND;
  private String runId = UUID.randomUUID().toString();
  private Map<String, String> commitInfo = Map.of();
  /** With {@link #replacingPartition}: the one partition the run replaces, even with no rows. */
  private String replacedPartition;
  /** The rows of small bundles are spread over this many writers: at most this many such files per partition. */
  private int shards = DEFAULT_SHARDS;
  /** A bundle of at least this many rows is written in place, without a shuffle. */
  private int largeBundleRows = DEFAULT_LARGE_BUNDLE_ROWS;
  private long rowGroupBytes = DEFAULT_ROW_GROUP_BYTES;
  /** With {@link #inSequence}: the writer whose runs are numbered, and the number its last run must have. */
  private String sequenceId;
  private long previousRun = -1;
  /** With {@link #continuing}: the commit info key whose latest value this run continues from, and that value. */
  private String continuityKey;
  private String continuityValue;
  /** With {@link #bucketedBy}: the bucketing's name (its tag value), its key and number of buckets. */
  private String bucketing;
  private SerializableFunction<GenericRecord, String> bucketKey;
  private int buckets;

  /** {@link #schemaJson} parsed, once per deserialized copy (a writer DoFn opens a bundle per key on Direct). */
  private transient Schema parsedSchema;

  private DeltaWrite(String tablePath, String schemaJson) {
    this.tablePath = tablePath;
    this.schemaJson = schemaJson;
  }

  private Schema schema() {
    if (parsedSchema == null) {
      parsedSchema = new Schema.Parser().parse(schemaJson);
    }
    return parsedSchema;
  }

  /** A copy to change: every builder method returns a new instance, never changes this one. */
  private DeltaWrite copy() {
    DeltaWrite c = new DeltaWrite(tablePath, schemaJson);
    c.partitionColumn = partitionColumn;
    c.mode = mode;
    c.runId = runId;
    c.commitInfo = commitInfo;
    c.replacedPartition = replacedPartition;
    c.shards = shards;
    c.largeBundleRows = largeBundleRows;
    c.rowGroupBytes = rowGroupBytes;
    c.sequenceId = sequenceId;
    c.previousRun = previousRun;
    c.continuityKey = continuityKey;
    c.continuityValue = continuityValue;
    c.bucketing = bucketing;
    c.bucketKey = bucketKey;
    c.buckets = buckets;
    return c;
  }

  /** Appends to the table at {@code tablePath} (created on first commit), unpartitioned. */
  public static DeltaWrite to(String tablePath, Schema schema) {
    return new DeltaWrite(tablePath, schema.toString());
  }

  /** Partitions by a column: a date (Avro int with logicalType date) or a string. */
  public DeltaWrite partitionedBy(String column) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    if (schema.getField(column) == null) {
      throw new IllegalArgumentException("partition column " + column + " is not in schema " + schema.getName());
    }
    DeltaWrite c = copy();
    c.partitionColumn = column;
    return c;
  }

  public DeltaWrite withMode(Mode newMode) {
    DeltaWrite c = copy();
    c.mode = newMode;
    return c;
  }

  /**
   * Replaces exactly the partition {@code value} (for a date, {@code yyyy-MM-dd}) of a partitioned
   * table: the run commits even when it has no rows, so a re-run that finds nothing empties the
   * partition instead of leaving the previous run's rows; a row outside that partition fails the run.
   */
  public DeltaWrite replacingPartition(String value) {
    if (partitionColumn == null) {
      throw new IllegalStateException("replacingPartition needs partitionedBy(column) first");
    }
    DeltaWrite c = copy();
    c.mode = Mode.REPLACE_PARTITIONS;
    c.replacedPartition = value;
    return c;
  }

  /**
   * How many files per partition the rows of small bundles are gathered into at most (default
   * {@value #DEFAULT_SHARDS}).
   */
  public DeltaWrite withShards(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + n);
    }
    DeltaWrite c = copy();
    c.shards = n;
    return c;
  }

  /**
   * The size from which a bundle is written in place, one file per partition, instead of being
   * gathered with other bundles' rows by a shuffle (default {@value #DEFAULT_LARGE_BUNDLE_ROWS}). A
   * bundle's rows are held in memory until it reaches this size.
   */
  public DeltaWrite withLargeBundleRows(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("large-bundle rows must be at least 1, got " + n);
    }
    DeltaWrite c = copy();
    c.largeBundleRows = n;
    return c;
  }

  /** The size parquet row groups are cut at (default {@value #DEFAULT_ROW_GROUP_BYTES} bytes). */
  public DeltaWrite withRowGroupBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("row group bytes must be at least 1, got " + bytes);
    }
    DeltaWrite c = copy();
    c.rowGroupBytes = bytes;
    return c;
  }

  /** The Delta tag of a bucketed file that names its bucketing ({@code <name>/<buckets>}). */
  public static final String BUCKETING_TAG = "bucketing";
  /** The Delta tag of a bucketed file that holds its bucket, {@code 0..buckets-1}. */
  public static final String BUCKET_TAG = "bucket";

  /**
   * Writes each partition's rows in files of one bucket each: a row's bucket is {@link #bucketOf} its
   * {@code key}, and every file carries the tags {@value #BUCKETING_TAG} = {@code name/buckets} and
   * {@value #BUCKET_TAG} = its bucket. Small bundles' rows are gathered by bucket, so a run writes at most
   * {@code buckets} such files per partition. Two tables written with the same name, key values and number
   * hold each key in the same bucket.
   */
  public DeltaWrite bucketedBy(String name, int buckets, SerializableFunction<GenericRecord, String> key) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, got " + buckets);
    }
    DeltaWrite c = copy();
    c.bucketing = name + "/" + buckets;
    c.bucketKey = key;
    c.buckets = buckets;
    return c;
  }

  /** The bucket of a key among {@code buckets}: {@link String#hashCode} is fixed by the Java spec, on every worker. */
  public static int bucketOf(String key, int buckets) {
    return Math.floorMod(key.hashCode(), buckets);
  }

  private int bucketOf(GenericRecord row) {
    return bucketOf(bucketKey.apply(row), buckets);
  }

  /** Names the run: part of every file name and of the commit info. */
  public DeltaWrite withRunId(String id) {
    DeltaWrite c = copy();
    c.runId = id;
    return c;
  }

  /** Extra facts recorded with the commit (for example the source watermark range). */
  public DeltaWrite withCommitInfo(Map<String, String> info) {
    DeltaWrite c = copy();
    c.commitInfo = Map.copyOf(info);
    return c;
  }

  /**
   * Numbers this writer's runs (Delta's idempotent-writer {@code SetTransaction}, under
   * {@code writer}): the run commits only if the writer's last committed run is still
   * {@code previousRun} (-1: none yet), as read when the run was planned, and records
   * {@code previousRun + 1}. A second run planned from the same state (a retry while the first still
   * runs) then fails with {@link ConcurrentRunException} and commits nothing, instead of appending the
   * same rows again. Read the current number with {@link DeltaTables#lastRun}.
   */
  public DeltaWrite inSequence(String writer, long previousRun) {
    DeltaWrite c = copy();
    c.sequenceId = writer;
    c.previousRun = previousRun;
    return c;
  }

  /**
   * Commits only if the table's latest commit still records {@code key = value} (null: no commit records it yet),
   * as it did when the run was planned: an incremental run that reads from where the last one ended (its
   * watermark) so never leaves a gap or reads a range twice, whatever committed in between.
   */
  public DeltaWrite continuing(String key, String value) {
    DeltaWrite c = copy();
    c.continuityKey = key;
    c.continuityValue = value;
    return c;
  }

  /** Another run of the same writer committed first; this one committed nothing. */
  public static class ConcurrentRunException extends IllegalStateException {
    public ConcurrentRunException(String message) {
      super(message);
    }
  }

  private static final TupleTag<WrittenFile> WRITTEN = new TupleTag<>("written") {};
  private static final TupleTag<KV<Integer, GenericRecord>> SMALL_BUNDLE_ROWS = new TupleTag<>("small_bundle_rows") {};

  @Override
  public PCollection<Long> expand(PCollection<GenericRecord> rows) {
    if (!(rows.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("DeltaWrite writes a bounded, globally windowed collection; "
          + rows.getName() + " is windowed by " + rows.getWindowingStrategy().getWindowFn());
    }
    PCollectionTuple bundles = rows.apply("WriteLargeBundles", ParDo.of(new WriteBundleFn(this))
        .withOutputTags(WRITTEN, TupleTagList.of(SMALL_BUNDLE_ROWS)));
    return commit("Commit", bundles.get(WRITTEN), bundles.get(SMALL_BUNDLE_ROWS));
  }

  /**
   * The second half of a write whose rows a DoFn wrote itself with {@link #newBundle} (so the rows never
   * leave that DoFn as elements): gathers the small bundles' rows into shard files, then commits them with
   * the large bundles' files in one commit. Sets both collections' coders, so call it before anything
   * else reads them.
   */
  public PCollection<Long> commit(String name, PCollection<WrittenFile> files,
      PCollection<KV<Integer, GenericRecord>> smallBundleRows) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    files.setCoder(SerializableCoder.of(WrittenFile.class));
    smallBundleRows.setCoder(KvCoder.of(VarIntCoder.of(), AvroCoder.of(GenericRecord.class, schema)));
    return PCollectionTuple.of(WRITTEN, files).and(SMALL_BUNDLE_ROWS, smallBundleRows).apply(name, new PTransform<>() {
      @Override
      public PCollection<Long> expand(PCollectionTuple written) {
        PCollection<WrittenFile> gathered = written.get(SMALL_BUNDLE_ROWS)
            .apply("GroupSmallBundles", GroupByKey.create())
            .apply("WriteSmallBundles", ParDo.of(new WriteShardFn(DeltaWrite.this)))
            .setCoder(SerializableCoder.of(WrittenFile.class));
        // The commit runs once, from a single impulse, with every file of the run as a side input: a side
        // input is complete before the step that reads it starts, on every runner. (A global combine would
        // do the same with about ten more steps, each one a task to deploy on Flink.)
        PCollectionView<List<WrittenFile>> allFiles = PCollectionList.of(written.get(WRITTEN)).and(gathered)
            .apply("AllFiles", Flatten.pCollections())
            .apply("FilesView", View.asList());
        return written.getPipeline()
            .apply("Once", Impulse.create())
            .apply("CommitToDeltaLog", ParDo.of(new CommitFn(DeltaWrite.this, allFiles)).withSideInputs(allFiles))
            .setCoder(VarLongCoder.of());
      }
    });
  }

  /** A bundle's writer for this table, for a DoFn that makes rows and writes them itself (see {@link BundleFiles}). */
  public BundleFiles newBundle() {
    return new BundleFiles(this);
  }

  static String partitionValue(Object value, Schema.Field field) {
    if (value == null) {
      throw new IllegalArgumentException("partition column " + field.name() + " is null");
    }
    if (field.schema().getLogicalType() instanceof org.apache.avro.LogicalTypes.Date && value instanceof Integer days) {
      return LocalDate.ofEpochDay(days).toString();
    }
    return value.toString();
  }

  /** One new parquet file per partition (and bucket) that rows are written to; {@link #close} lists them. */
  static class PartitionFiles {
    private final DeltaWrite spec;
    private final Schema schema;
    /** By partition value, then bucket (-1 unbucketed). */
    private final Map<String, Map<Integer, OpenFile>> open = new HashMap<>();
    /** The partition column's field in {@link #schema}; null unpartitioned. */
    private final Schema.Field partitionField;
    /**
     * The partition column's value of the last row written (a copy, when the reader may reuse it), its text and
     * its files.
     */
    private Object lastValue;
    private String lastPartition;
    private Map<Integer, OpenFile> lastFiles;

    private static final class OpenFile {
      final ParquetWriter<GenericRecord> writer;
      final String relative;
      long rows;

      OpenFile(ParquetWriter<GenericRecord> writer, String relative) {
        this.writer = writer;
        this.relative = relative;
      }
    }

    PartitionFiles(DeltaWrite spec, Schema schema) {
      this.spec = spec;
      this.schema = schema;
      this.partitionField = spec.partitionColumn == null ? null : schema.getField(spec.partitionColumn);
    }

    void write(GenericRecord row) throws IOException {
      Map<Integer, OpenFile> byBucket = partitionOf(row);
      int bucket = spec.bucketing == null ? -1 : spec.bucketOf(row);
      OpenFile f = byBucket.get(bucket);
      if (f == null) {
        String dir = spec.partitionColumn == null ? "" : spec.partitionColumn + "=" + lastPartition + "/";
        String relative = dir + "part-" + spec.runId + (bucket < 0 ? "" : String.format("-b%03d", bucket)) + "-"
            + UUID.randomUUID() + ".snappy.parquet";
        ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new Path(spec.tablePath, relative), DeltaTables.hadoopConf()))
            .withSchema(schema)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withRowGroupSize(spec.rowGroupBytes)
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .build();
        f = new OpenFile(writer, relative);
        byBucket.put(bucket, f);
      }
      f.writer.write(row);
      f.rows++;
    }

    /**
     * The open files of the row's partition. The last partition is remembered by the column's value as the row
     * holds it: rows come mostly in runs of one partition (a day's rows, all of them), and its text, checks and
     * lookup are then done once per run instead of once per row.
     */
    private Map<Integer, OpenFile> partitionOf(GenericRecord row) {
      if (partitionField == null) {
        return open.computeIfAbsent("", k -> new HashMap<>());
      }
      Object value = row.get(partitionField.pos());
      if (lastFiles != null && lastValue.equals(value)) {
        return lastFiles;
      }
      String partition = partitionValue(value, partitionField);
      if (spec.replacedPartition != null && !spec.replacedPartition.equals(partition)) {
        throw new IllegalArgumentException("row with " + spec.partitionColumn + "=" + partition
            + " in a run that replaces only " + spec.partitionColumn + "=" + spec.replacedPartition + " of " + spec.tablePath);
      }
      lastValue = value instanceof org.apache.avro.util.Utf8 u ? new org.apache.avro.util.Utf8(u.toString()) : value;
      lastPartition = partition;
      lastFiles = open.computeIfAbsent(partition, k -> new HashMap<>());
      return lastFiles;
    }

    List<WrittenFile> close() throws IOException {
      FileSystem fs = new Path(spec.tablePath).getFileSystem(DeltaTables.hadoopConf());
      List<WrittenFile> files = new ArrayList<>();
      for (Map.Entry<String, Map<Integer, OpenFile>> partition : open.entrySet()) {
        Map<String, String> partitionValues =
            spec.partitionColumn == null ? Map.of() : Map.of(spec.partitionColumn, partition.getKey());
        for (Map.Entry<Integer, OpenFile> e : partition.getValue().entrySet()) {
          OpenFile f = e.getValue();
          f.writer.close();
          FileStatus st = fs.getFileStatus(new Path(spec.tablePath, f.relative));
          Map<String, String> tags = e.getKey() < 0 ? Map.of()
              : Map.of(BUCKETING_TAG, spec.bucketing, BUCKET_TAG, String.valueOf(e.getKey()));
          files.add(new WrittenFile(f.relative, partitionValues, st.getLen(), st.getModificationTime(), f.rows, tags));
        }
      }
      open.clear();
      lastValue = null;
      lastPartition = null;
      lastFiles = null;
      return files;
    }
  }

  /**
   * The rows a DoFn writes to this table during one bundle ({@link #newBundle} in {@code @StartBundle}):
   * the first {@code largeBundleRows} are held, then written in place with the rest as they come. At the
   * bundle's end, {@link #finish} emits the files written or, for a bundle that stayed small, its rows,
   * spread over the shards, to be gathered with other small bundles' rows by {@link #commit}.
   */
  public static final class BundleFiles {
    private final DeltaWrite spec;
    private final Schema schema;
    private List<GenericRecord> held = new ArrayList<>();
    private PartitionFiles files;
    private long rows;

    private BundleFiles(DeltaWrite spec) {
      this.spec = spec;
      this.schema = spec.schema();
    }

    public void write(GenericRecord row) throws IOException {
      rows++;
      if (files != null) {
        files.write(row);
        return;
      }
      held.add(row);
      if (held.size() >= spec.largeBundleRows) {
        files = new PartitionFiles(spec, schema);
        for (GenericRecord r : held) {
          files.write(r);
        }
        held = null;
      }
    }

    /** The rows written in this bundle so far. */
    public long rows() {
      return rows;
    }

    /**
     * Ends the bundle, from a {@code @FinishBundle} method: the files it wrote to output {@code written}, or
     * its held rows to output {@code smallBundleRows} (for {@link #commit}), keyed by shard (round robin)
     * or, bucketed, by bucket; in the global window.
     */
    public <I, O> void finish(DoFn<I, O>.FinishBundleContext c, TupleTag<WrittenFile> written,
        TupleTag<KV<Integer, GenericRecord>> smallBundleRows) throws IOException {
      org.joda.time.Instant at = GlobalWindow.INSTANCE.maxTimestamp();
      if (files != null) {
        files.close().forEach(f -> c.output(written, f, at, GlobalWindow.INSTANCE));
      } else {
        int shard = java.util.concurrent.ThreadLocalRandom.current().nextInt(spec.shards);
        for (GenericRecord r : held) {
          c.output(smallBundleRows, KV.of(spec.bucketing == null ? shard : spec.bucketOf(r), r), at, GlobalWindow.INSTANCE);
          shard = (shard + 1) % spec.shards;
        }
      }
      held = null;
      files = null;
    }
  }

  /** Writes every bundle of the input with {@link BundleFiles}. */
  static class WriteBundleFn extends DoFn<GenericRecord, WrittenFile> {
    private final DeltaWrite spec;
    private transient BundleFiles bundle;

    WriteBundleFn(DeltaWrite spec) {
      this.spec = spec;
    }

    @StartBundle
    public void start() {
      bundle = spec.newBundle();
    }

    @ProcessElement
    public void process(@Element GenericRecord row) throws IOException {
      bundle.write(row);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws IOException {
      bundle.finish(c, WRITTEN, SMALL_BUNDLE_ROWS);
    }
  }

  /** Writes one shard of the small bundles' rows: one new parquet file per partition. */
  static class WriteShardFn extends DoFn<KV<Integer, Iterable<GenericRecord>>, WrittenFile> {
    private final DeltaWrite spec;
    private transient Schema schema;

    WriteShardFn(DeltaWrite spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(spec.schemaJson);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<GenericRecord>> shard, OutputReceiver<WrittenFile> out)
        throws IOException {
      PartitionFiles files = new PartitionFiles(spec, schema);
      for (GenericRecord row : shard.getValue()) {
        files.write(row);
      }
      files.close().forEach(out::output);
    }
  }

  /** The run's single commit. */
  static class CommitFn extends DoFn<byte[], Long> implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeltaWrite spec;
    private final PCollectionView<List<WrittenFile>> allFiles;

    CommitFn(DeltaWrite spec, PCollectionView<List<WrittenFile>> allFiles) {
      this.spec = spec;
      this.allFiles = allFiles;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      List<WrittenFile> files = c.sideInput(allFiles);
      if (files.isEmpty() && spec.replacedPartition == null) {
        return; // a run with no rows commits nothing, unless it empties the partition it replaces
      }
      try (CommitLock held = CommitLock.acquire(spec.tablePath)) {
        commit(c, files);
      }
    }

    /** The commit itself, under the table's {@link CommitLock}: the snapshot it starts from is the latest. */
    private void commit(ProcessContext c, List<WrittenFile> files) throws IOException {
      DeltaLog log = DeltaLog.forTable(DeltaTables.hadoopConf(), spec.tablePath);
      OptimisticTransaction txn = log.startTransaction();
      List<String> partitionColumns = spec.partitionColumn == null ? List.of() : List.of(spec.partitionColumn);
      Metadata wanted = Metadata.builder()
          .schema(DeltaSchemas.toDelta(new Schema.Parser().parse(spec.schemaJson)))
          .partitionColumns(partitionColumns)
          .build();
      if (!log.tableExists()) {
        txn.updateMetadata(wanted);
      } else if (!txn.metadata().getSchema().equals(wanted.getSchema())
          || !txn.metadata().getPartitionColumns().equals(partitionColumns)) {
        throw new IllegalStateException("the table at " + spec.tablePath + " has another schema or partitioning than"
            + " this write: " + txn.metadata().getSchema().getTreeString());
      }
      List<Action> actions = new ArrayList<>();
      long now = System.currentTimeMillis();
      if (spec.sequenceId != null) {
        // Reading the writer's number makes Delta's conflict check fail this commit if another one
        // recording the same writer lands between here and the commit.
        long last = txn.txnVersion(spec.sequenceId);
        if (last != spec.previousRun) {
          throw new ConcurrentRunException("another " + spec.sequenceId + " run committed to " + spec.tablePath
              + " after this run was planned (its last run is now #" + last + ", this run was planned after #"
              + spec.previousRun + "): this run committed nothing. Run it again: it continues from where that run ended.");
        }
        actions.add(new SetTransaction(spec.sequenceId, spec.previousRun + 1, Optional.of(now)));
      }
      if (spec.continuityKey != null) {
        String latest = log.tableExists()
            ? DeltaTables.userMetadata(log, spec.tablePath, txn.readVersion()).get(spec.continuityKey) : null;
        if (!java.util.Objects.equals(latest, spec.continuityValue)) {
          throw new ConcurrentRunException(spec.tablePath + " now records " + spec.continuityKey + "=" + latest
              + ", but this run continues from " + spec.continuityValue + ": another run committed after this one"
              + " was planned; this run committed nothing. Run it again: it continues from where that run ended.");
        }
      }
      if (spec.mode != Mode.APPEND && log.tableExists()) {
        Set<Map<String, String>> touched = new HashSet<>();
        files.forEach(f -> touched.add(f.partitionValues()));
        if (spec.replacedPartition != null) {
          touched.add(Map.of(spec.partitionColumn, spec.replacedPartition));
        }
        txn.readWholeTable();
        for (AddFile existing : log.update().getAllFiles()) {
          if (spec.mode == Mode.OVERWRITE || touched.contains(existing.getPartitionValues())) {
            actions.add(existing.remove(now, true));
          }
        }
      }
      long records = 0;
      for (WrittenFile f : files) {
        actions.add(new AddFile(f.relativePath(), f.partitionValues(), f.size(), f.modificationTime(), true, null,
            f.tags().isEmpty() ? null : f.tags()));
        records += f.records();
      }
      Map<String, String> parameters = Map.of(
          "mode", JSON.writeValueAsString(spec.mode.name()),
          // Values are JSON; like Spark, partitionBy is a string holding a JSON array.
          "partitionBy", JSON.writeValueAsString(JSON.writeValueAsString(partitionColumns)));
      Map<String, String> info = new HashMap<>(spec.commitInfo);
      info.put("runId", spec.runId);
      Operation op = new Operation(Operation.Name.WRITE, parameters,
          Map.of("numFiles", String.valueOf(files.size()), "numOutputRows", String.valueOf(records)),
          Optional.of(JSON.writeValueAsString(info)));
      try {
        c.output(txn.commit(actions, op, "coffeeshop-beam").getVersion());
      } catch (io.delta.standalone.exceptions.ConcurrentTransactionException e) {
        throw new ConcurrentRunException("another " + spec.sequenceId + " run committed to " + spec.tablePath
            + " at the same moment: this run committed nothing (" + e.getMessage() + ")");
      }
    }
  }
}
