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
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
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
 * <p>Modes: {@link Mode#APPEND}; {@link Mode#OVERWRITE} (the run's rows replace the table);
 * {@link Mode#REPLACE_PARTITIONS} (the run's rows replace the partitions they fall in, so re-running
 * a day gives the same table). A run with no rows commits nothing. The commit's user metadata holds
 * {@code commitInfo} as JSON (run id, source watermark range…), read back with
 * {@link DeltaTables#userMetadata}. Emits the committed version.
 */
public class DeltaWrite extends PTransform<PCollection<GenericRecord>, PCollection<Long>> {
  /** How a run's rows relate to what the table holds. */
  public enum Mode { APPEND, OVERWRITE, REPLACE_PARTITIONS }

  public static final int DEFAULT_SHARDS = 4;

  private final String tablePath;
  private final String schemaJson;
  private final String partitionColumn;
  private final Mode mode;
  private final String runId;
  private final Map<String, String> commitInfo;
  /** With {@link #replacingPartition}: the one partition the run replaces, even with no rows. */
  private final String replacedPartition;
  /** Rows are spread over this many writers: at most this many files per partition and run. */
  private final int shards;
  /** With {@link #inSequence}: the writer whose runs are numbered, and the number its last run must have. */
  private final String sequenceId;
  private final long previousRun;

  private DeltaWrite(String tablePath, String schemaJson, String partitionColumn, Mode mode, String runId,
      Map<String, String> commitInfo, String replacedPartition, int shards) {
    this(tablePath, schemaJson, partitionColumn, mode, runId, commitInfo, replacedPartition, shards, null, -1);
  }

  private DeltaWrite(String tablePath, String schemaJson, String partitionColumn, Mode mode, String runId,
      Map<String, String> commitInfo, String replacedPartition, int shards, String sequenceId, long previousRun) {
    this.sequenceId = sequenceId;
    this.previousRun = previousRun;
    this.tablePath = tablePath;
    this.schemaJson = schemaJson;
    this.partitionColumn = partitionColumn;
    this.mode = mode;
    this.runId = runId;
    this.commitInfo = commitInfo;
    this.replacedPartition = replacedPartition;
    this.shards = shards;
  }

  /** Appends to the table at {@code tablePath} (created on first commit), unpartitioned. */
  public static DeltaWrite to(String tablePath, Schema schema) {
    return new DeltaWrite(tablePath, schema.toString(), null, Mode.APPEND, UUID.randomUUID().toString(), Map.of(), null, DEFAULT_SHARDS);
  }

  /** Partitions by a column: a date (Avro int with logicalType date) or a string. */
  public DeltaWrite partitionedBy(String column) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    if (schema.getField(column) == null) {
      throw new IllegalArgumentException("partition column " + column + " is not in schema " + schema.getName());
    }
    return new DeltaWrite(tablePath, schemaJson, column, mode, runId, commitInfo, replacedPartition, shards, sequenceId, previousRun);
  }

  public DeltaWrite withMode(Mode newMode) {
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, newMode, runId, commitInfo, replacedPartition, shards,
        sequenceId, previousRun);
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
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, Mode.REPLACE_PARTITIONS, runId, commitInfo, value, shards,
        sequenceId, previousRun);
  }

  /**
   * How many files a run writes per partition at most (default {@value #DEFAULT_SHARDS}): rows are
   * spread over that many writers whatever the runner's bundle sizes, so a table never fills up
   * with one tiny file per bundle.
   */
  public DeltaWrite withShards(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + n);
    }
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, mode, runId, commitInfo, replacedPartition, n,
        sequenceId, previousRun);
  }

  /** Names the run: part of every file name and of the commit info. */
  public DeltaWrite withRunId(String id) {
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, mode, id, commitInfo, replacedPartition, shards,
        sequenceId, previousRun);
  }

  /** Extra facts recorded with the commit (for example the source watermark range). */
  public DeltaWrite withCommitInfo(Map<String, String> info) {
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, mode, runId, Map.copyOf(info), replacedPartition, shards,
        sequenceId, previousRun);
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
    return new DeltaWrite(tablePath, schemaJson, partitionColumn, mode, runId, commitInfo, replacedPartition, shards,
        writer, previousRun);
  }

  /** Another run of the same writer committed first; this one committed nothing. */
  public static class ConcurrentRunException extends IllegalStateException {
    public ConcurrentRunException(String message) {
      super(message);
    }
  }

  @Override
  public PCollection<Long> expand(PCollection<GenericRecord> rows) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    return rows
        .apply("AssignShards", ParDo.of(new DoFn<GenericRecord, KV<Integer, GenericRecord>>() {
          private int next = java.util.concurrent.ThreadLocalRandom.current().nextInt(shards);

          @ProcessElement
          public void process(@Element GenericRecord row, OutputReceiver<KV<Integer, GenericRecord>> out) {
            out.output(KV.of(next, row));
            next = (next + 1) % shards;
          }
        }))
        .setCoder(KvCoder.of(VarIntCoder.of(), AvroCoder.of(GenericRecord.class, schema)))
        .apply("GroupShards", GroupByKey.create())
        .apply("WriteParquetFiles", ParDo.of(new WriteFilesFn(this)))
        .setCoder(SerializableCoder.of(WrittenFile.class))
        .apply("CollectFiles", replacedPartition == null
            ? Combine.globally(new CollectFiles()).withoutDefaults()
            : Combine.globally(new CollectFiles())) // an empty run still commits: the partition is emptied
        .setCoder(ListCoder.of(SerializableCoder.of(WrittenFile.class)))
        .apply("CommitToDeltaLog", ParDo.of(new CommitFn(this)));
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

  /** Writes each shard's rows to one new parquet file per partition. */
  static class WriteFilesFn extends DoFn<KV<Integer, Iterable<GenericRecord>>, WrittenFile> {
    private final DeltaWrite spec;
    private transient Schema schema;

    WriteFilesFn(DeltaWrite spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(spec.schemaJson);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<GenericRecord>> shard, OutputReceiver<WrittenFile> out)
        throws IOException {
      Map<String, ParquetWriter<GenericRecord>> writers = new HashMap<>();
      Map<String, String> paths = new HashMap<>();
      Map<String, Long> counts = new HashMap<>();
      for (GenericRecord row : shard.getValue()) {
        String partition = spec.partitionColumn == null ? ""
            : partitionValue(row.get(spec.partitionColumn), schema.getField(spec.partitionColumn));
        if (spec.replacedPartition != null && !spec.replacedPartition.equals(partition)) {
          throw new IllegalArgumentException("row with " + spec.partitionColumn + "=" + partition
              + " in a run that replaces only " + spec.partitionColumn + "=" + spec.replacedPartition + " of " + spec.tablePath);
        }
        ParquetWriter<GenericRecord> w = writers.get(partition);
        if (w == null) {
          String dir = spec.partitionColumn == null ? "" : spec.partitionColumn + "=" + partition + "/";
          String relative = dir + "part-" + spec.runId + "-" + UUID.randomUUID() + ".snappy.parquet";
          w = AvroParquetWriter.<GenericRecord>builder(
                  HadoopOutputFile.fromPath(new Path(spec.tablePath, relative), new Configuration()))
              .withSchema(schema)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .build();
          writers.put(partition, w);
          paths.put(partition, relative);
        }
        w.write(row);
        counts.merge(partition, 1L, Long::sum);
      }
      FileSystem fs = new Path(spec.tablePath).getFileSystem(new Configuration());
      for (Map.Entry<String, ParquetWriter<GenericRecord>> e : writers.entrySet()) {
        e.getValue().close();
        String relative = paths.get(e.getKey());
        FileStatus st = fs.getFileStatus(new Path(spec.tablePath, relative));
        Map<String, String> partitionValues =
            spec.partitionColumn == null ? Map.of() : Map.of(spec.partitionColumn, e.getKey());
        out.output(new WrittenFile(relative, partitionValues, st.getLen(), st.getModificationTime(), counts.get(e.getKey())));
      }
    }
  }

  /** Gathers every file the run wrote, so one commit can add them all. */
  static class CollectFiles extends Combine.CombineFn<WrittenFile, ArrayList<WrittenFile>, List<WrittenFile>> {
    @Override
    public ArrayList<WrittenFile> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public ArrayList<WrittenFile> addInput(ArrayList<WrittenFile> acc, WrittenFile f) {
      acc.add(f);
      return acc;
    }

    @Override
    public ArrayList<WrittenFile> mergeAccumulators(Iterable<ArrayList<WrittenFile>> accs) {
      ArrayList<WrittenFile> all = new ArrayList<>();
      accs.forEach(all::addAll);
      return all;
    }

    @Override
    public List<WrittenFile> extractOutput(ArrayList<WrittenFile> acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<ArrayList<WrittenFile>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, org.apache.beam.sdk.coders.Coder<WrittenFile> input) {
      return SerializableCoder.of(new org.apache.beam.sdk.values.TypeDescriptor<ArrayList<WrittenFile>>() {});
    }
  }

  /** The run's single commit. */
  static class CommitFn extends DoFn<List<WrittenFile>, Long> implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeltaWrite spec;

    CommitFn(DeltaWrite spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element List<WrittenFile> files, OutputReceiver<Long> out) throws IOException {
      DeltaLog log = DeltaLog.forTable(new Configuration(), spec.tablePath);
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
        actions.add(new AddFile(f.relativePath(), f.partitionValues(), f.size(), f.modificationTime(), true, null, null));
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
        out.output(txn.commit(actions, op, "coffeeshop-beam").getVersion());
      } catch (io.delta.standalone.exceptions.ConcurrentTransactionException e) {
        throw new ConcurrentRunException("another " + spec.sequenceId + " run committed to " + spec.tablePath
            + " at the same moment: this run committed nothing (" + e.getMessage() + ")");
      }
    }
  }
}
