package com.coffeeshop.transforms.delta;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/** Small questions about a Delta table, answered from its log. */
public final class DeltaTables {
  private DeltaTables() {}

  public static DeltaLog log(String tablePath) {
    return DeltaLog.forTable(hadoopConf(), tablePath);
  }

  /** Hadoop's default configuration, parsed from its XML resources once per JVM. */
  private static final class Defaults {
    static final Configuration CONF = new Configuration();

    static {
      CONF.size(); // parses the resources now, so copies start parsed
    }
  }

  /**
   * A Hadoop configuration for reading and writing tables: a copy of the defaults, which were parsed once. A
   * {@code new Configuration()} parses its XML resources again on first use, about a hundred times in a step
   * that opens as many logs and files.
   */
  public static Configuration hadoopConf() {
    return new Configuration(Defaults.CONF);
  }

  /** The latest version, or empty when no table exists at the path yet. */
  public static Optional<Long> latestVersion(String tablePath) {
    DeltaLog log = log(tablePath);
    return log.tableExists() ? Optional.of(log.update().getVersion()) : Optional.empty();
  }

  /**
   * What a writer plans its next run from, read from one snapshot of the table: the number of {@code writer}'s last
   * committed run (-1 when none) and the latest commit's info (empty when no table exists). Read together, no other
   * run's commit can fall between them.
   */
  public record WriterState(long lastRun, Map<String, String> latestInfo) {}

  /** The {@link WriterState} of {@code writer} on the table, from one snapshot. */
  public static WriterState writerState(String tablePath, String writer) {
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      return new WriterState(-1, Map.of());
    }
    io.delta.standalone.OptimisticTransaction txn = log.startTransaction();
    return new WriterState(txn.txnVersion(writer), userMetadata(log, tablePath, txn.readVersion()));
  }

  /** The number of {@code writer}'s last committed run (see {@link DeltaWrite#inSequence}); -1 when none. */
  public static long lastRun(String tablePath, String writer) {
    DeltaLog log = log(tablePath);
    return log.tableExists() ? log.startTransaction().txnVersion(writer) : -1;
  }

  /**
   * The commit info of the newest commit whose info has {@code key = value} (the day a step built, say),
   * searching back from the latest version; empty when none has.
   */
  public static Optional<Map<String, String>> lastCommitWith(String tablePath, String key, String value) {
    DeltaLog log = log(tablePath);
    for (long v = log.tableExists() ? log.update().getVersion() : -1L; v >= 0; v--) {
      Map<String, String> info = userMetadata(log, tablePath, v);
      if (value.equals(info.get(key))) {
        return Optional.of(info);
      }
    }
    return Optional.empty();
  }

  /** The commit info of the latest version; empty when no table exists at the path yet. */
  public static Optional<Map<String, String>> latestCommitInfo(String tablePath) {
    DeltaLog log = log(tablePath);
    return log.tableExists() ? Optional.of(userMetadata(log, tablePath, log.update().getVersion())) : Optional.empty();
  }

  /**
   * Every commit's info by version, oldest first, read in one pass over the log. Versions whose log file
   * was cleaned up (older than the log retention, 30 days by default) are left out.
   */
  public static java.util.SortedMap<Long, Map<String, String>> commitInfos(String tablePath) {
    java.util.SortedMap<Long, Map<String, String>> infos = new java.util.TreeMap<>();
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      return infos;
    }
    java.util.Iterator<io.delta.standalone.VersionLog> changes = log.getChanges(0, false);
    while (changes.hasNext()) {
      io.delta.standalone.VersionLog v = changes.next();
      for (io.delta.standalone.actions.Action a : v.getActions()) {
        if (a instanceof io.delta.standalone.actions.CommitInfo info) {
          infos.put(v.getVersion(), parse(info.getUserMetadata().orElse("{}"), tablePath, v.getVersion()));
        }
      }
    }
    return infos;
  }

  /**
   * For each partition value (single-column partitioning) that commits after {@code afterVersion} added
   * files to or removed files from, the newest such version.
   */
  public static Map<String, Long> partitionsChangedAfter(String tablePath, long afterVersion) {
    Map<String, Long> changed = new java.util.HashMap<>();
    DeltaLog log = log(tablePath);
    if (!log.tableExists() || afterVersion >= log.update().getVersion()) {
      return changed;
    }
    java.util.Iterator<io.delta.standalone.VersionLog> changes = log.getChanges(afterVersion + 1, false);
    while (changes.hasNext()) {
      io.delta.standalone.VersionLog v = changes.next();
      for (io.delta.standalone.actions.Action a : v.getActions()) {
        Map<String, String> values = a instanceof io.delta.standalone.actions.AddFile add ? add.getPartitionValues()
            : a instanceof io.delta.standalone.actions.RemoveFile remove ? remove.getPartitionValues() : null;
        if (values != null) {
          values.values().forEach(value -> changed.merge(value, v.getVersion(), Math::max));
        }
      }
    }
    return changed;
  }

  /** The commit info a {@link DeltaWrite} recorded with {@code version}. */
  public static Map<String, String> userMetadata(String tablePath, long version) {
    return userMetadata(log(tablePath), tablePath, version);
  }

  static Map<String, String> userMetadata(DeltaLog log, String tablePath, long version) {
    return parse(log.getCommitInfoAt(version).getUserMetadata().orElse("{}"), tablePath, version);
  }

  private static Map<String, String> parse(String json, String tablePath, long version) {
    try {
      return new ObjectMapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable commit info at version " + version + " of " + tablePath, e);
    }
  }

  /**
   * Deletes the parquet files no snapshot of the last {@code retain} references — the orphans of runs
   * that died before their commit, and files removed by overwrites — when they are older than
   * {@code retain} (so a run still writing is never touched). Time travel to versions older than
   * {@code retain} may break afterwards, as with Delta's own VACUUM.
   *
   * @return the table-relative paths deleted (or that would be, with {@code dryRun})
   */
  public static java.util.List<String> vacuum(String tablePath, java.time.Duration retain, boolean dryRun)
      throws IOException {
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      throw new IllegalArgumentException("no Delta table at " + tablePath + " (no _delta_log there)");
    }
    long cutoff = System.currentTimeMillis() - retain.toMillis();
    java.util.Set<String> referenced = new java.util.HashSet<>();
    for (long v = log.update().getVersion(); v >= 0; v--) {
      log.getSnapshotForVersionAsOf(v).getAllFiles().forEach(f -> referenced.add(f.getPath()));
      if (log.getCommitInfoAt(v).getTimestamp().getTime() < cutoff) {
        break; // older versions are outside the retention window
      }
    }
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tablePath);
    org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(hadoopConf());
    java.util.List<String> deleted = new java.util.ArrayList<>();
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(root, true);
    String prefix = fs.makeQualified(root).toString() + "/";
    while (files.hasNext()) {
      org.apache.hadoop.fs.LocatedFileStatus f = files.next();
      String relative = f.getPath().toString().substring(prefix.length());
      if (relative.startsWith("_delta_log/") || !relative.endsWith(".parquet") || referenced.contains(relative)
          || f.getModificationTime() >= cutoff) {
        continue;
      }
      if (!dryRun) {
        fs.delete(f.getPath(), false);
      }
      deleted.add(relative);
    }
    return deleted;
  }

  static Snapshot snapshot(String tablePath, Long version, Long timestampMillis) {
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      throw new IllegalArgumentException("no Delta table at " + tablePath + " (no _delta_log there)");
    }
    if (version != null) {
      return log.getSnapshotForVersionAsOf(version);
    }
    if (timestampMillis != null) {
      return log.getSnapshotForTimestampAsOf(timestampMillis);
    }
    return log.update();
  }

  /** The snapshot's file paths, sorted, optionally only from partition value {@code partition} (or from it on). */
  /**
   * The rows of partition {@code partition} at table version {@code version}, from the parquet footers of its
   * files (no row is read): what a read of that partition at that version returns.
   */
  public static long rowCount(String tablePath, long version, String partition) throws IOException {
    long rows = 0;
    Configuration conf = hadoopConf();
    for (String f : files(snapshot(tablePath, version, null), partition, true)) {
      try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(tablePath, f), conf))) {
        rows += r.getRecordCount();
      }
    }
    return rows;
  }

  static java.util.List<String> files(Snapshot snapshot, String partition, boolean onlyThatPartition) {
    return addFiles(snapshot, partition, onlyThatPartition).map(io.delta.standalone.actions.AddFile::getPath).sorted()
        .toList();
  }

  private static java.util.stream.Stream<io.delta.standalone.actions.AddFile> addFiles(Snapshot snapshot,
      String partition, boolean onlyThatPartition) {
    return snapshot.getAllFiles().stream()
        .filter(f -> partition == null || f.getPartitionValues().values().stream()
            .allMatch(v -> onlyThatPartition ? v.equals(partition) : v.compareTo(partition) >= 0));
  }

  /**
   * The snapshot's files (filtered as {@link #files}) cut into byte ranges of at most {@code splitBytes}, in
   * file order: a file of several row groups is read by several workers.
   */
  static java.util.List<FileSplit> splits(Snapshot snapshot, String partition, boolean onlyThatPartition,
      long splitBytes) {
    java.util.List<FileSplit> splits = new java.util.ArrayList<>();
    addFiles(snapshot, partition, onlyThatPartition)
        .sorted(java.util.Comparator.comparing(io.delta.standalone.actions.AddFile::getPath))
        .forEach(f -> {
          long size = Math.max(f.getSize(), 1);
          for (long start = 0; start < size; start += splitBytes) {
            splits.add(new FileSplit(f.getPath(), start, Math.min(splitBytes, size - start), f.getTags()));
          }
        });
    return splits;
  }

  /**
   * One split per row group of the snapshot's files (filtered as {@link #files}), in file order, each the group's
   * exact byte range, from the files' footers; a file with no row group has no split.
   */
  static java.util.List<FileSplit> rowGroupSplits(String tablePath, Snapshot snapshot, String partition,
      boolean onlyThatPartition) {
    Configuration conf = hadoopConf();
    java.util.List<FileSplit> splits = new java.util.ArrayList<>();
    addFiles(snapshot, partition, onlyThatPartition)
        .sorted(java.util.Comparator.comparing(io.delta.standalone.actions.AddFile::getPath))
        .forEach(f -> {
          try (org.apache.parquet.hadoop.ParquetFileReader footer = org.apache.parquet.hadoop.ParquetFileReader.open(
              org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(tablePath, f.getPath()), conf))) {
            for (org.apache.parquet.hadoop.metadata.BlockMetaData group : footer.getFooter().getBlocks()) {
              splits.add(new FileSplit(f.getPath(), group.getStartingPos(), group.getCompressedSize(), f.getTags()));
            }
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the footer of " + f.getPath() + " in " + tablePath, e);
          }
        });
    return splits;
  }

  /** The partition values present in the latest snapshot (single-column partitioning), sorted; empty without a table. */
  public static java.util.SortedSet<String> partitionValues(String tablePath) {
    DeltaLog log = log(tablePath);
    java.util.SortedSet<String> values = new java.util.TreeSet<>();
    if (log.tableExists()) {
      log.update().getAllFiles().forEach(f -> values.addAll(f.getPartitionValues().values()));
    }
    return values;
  }

  /**
   * Reads a small table (or one partition of it, when {@code partition} is not null) in this JVM:
   * for reports, gates and tests, not for pipeline data. Empty when no table exists.
   */
  public static java.util.List<org.apache.avro.generic.GenericRecord> readSmall(String tablePath,
      org.apache.avro.Schema schema, String partition) throws IOException {
    java.util.List<org.apache.avro.generic.GenericRecord> rows = new java.util.ArrayList<>();
    forEach(tablePath, schema, partition, rows::add);
    return rows;
  }

  /**
   * Streams every row of the latest snapshot (or of one partition, when {@code partition} is not null)
   * through {@code out} in this JVM, one file at a time: for reports over a day of facts. Nothing when
   * no table exists.
   */
  public static void forEach(String tablePath, org.apache.avro.Schema schema, String partition,
      java.util.function.Consumer<org.apache.avro.generic.GenericRecord> out) throws IOException {
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      return;
    }
    for (String f : files(log.update(), partition, partition != null)) {
      readFile(tablePath, f, schema, false, out);
    }
  }

  /**
   * Reads one parquet file of the table as records of {@code schema}; {@code projected}: the schema names
   * only some of the file's columns, and only those are decoded.
   */
  static void readFile(String tablePath, String relative, org.apache.avro.Schema schema, boolean projected,
      java.util.function.Consumer<org.apache.avro.generic.GenericRecord> out) throws IOException {
    readSplit(tablePath, new FileSplit(relative, 0, Long.MAX_VALUE, Map.of()), schema, projected, out);
  }

  /** Reads the row groups of one {@link FileSplit} as records of {@code schema} (see {@link #readFile}). */
  static void readSplit(String tablePath, FileSplit split, org.apache.avro.Schema schema, boolean projected,
      java.util.function.Consumer<org.apache.avro.generic.GenericRecord> out) throws IOException {
    String relative = split.relativePath();
    Configuration conf = hadoopConf();
    org.apache.parquet.avro.AvroReadSupport.setAvroReadSchema(conf, schema);
    if (projected) {
      org.apache.parquet.avro.AvroReadSupport.setRequestedProjection(conf, schema);
    }
    try (org.apache.parquet.hadoop.ParquetReader<org.apache.avro.generic.GenericRecord> reader =
        org.apache.parquet.avro.AvroParquetReader.<org.apache.avro.generic.GenericRecord>builder(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(tablePath, relative), conf))
        .withConf(conf).withFileRange(split.start(), split.start() + split.length()).build()) {
      for (org.apache.avro.generic.GenericRecord r; (r = reader.read()) != null; ) {
        out.accept(r);
      }
    }
  }
}
