package com.coffeeshop.transforms.delta;

import com.coffeeshop.transforms.testing.BeamTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.schemas.AvroSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import io.delta.standalone.actions.AddFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeltaWrite and DeltaRead on the DirectRunner against a real delta-standalone log on disk. */
class DeltaWriteReadTest {
  private static final Schema SCHEMA = AvroSchemas.storeDailyRevenue();
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  @TempDir Path dir;

  private static GenericRecord row(LocalDate day, int store, long revenue) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("order_date", (int) day.toEpochDay());
    r.put("store_id", store);
    r.put("lines", 1L);
    r.put("items", 2L);
    r.put("revenue", revenue);
    r.put("suggested_revenue", 0L);
    return r;
  }

  private static List<GenericRecord> rows(LocalDate day, int stores, long revenue) {
    List<GenericRecord> out = new ArrayList<>();
    for (int s = 1; s <= stores; s++) {
      out.add(row(day, s, revenue + s));
    }
    return out;
  }

  private static String text(GenericRecord r) {
    return LocalDate.ofEpochDay((Integer) r.get("order_date")) + "/" + r.get("store_id") + "=" + r.get("revenue");
  }

  @RegisterExtension final BeamTest beam = new BeamTest();

  private Pipeline pipeline() {
    return beam.pipeline();
  }

  private String table() {
    return dir.resolve("store_daily_revenue").toString();
  }

  private void write(List<GenericRecord> rows, DeltaWrite.Mode mode, Map<String, String> info) {
    Pipeline p = pipeline();
    p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").withMode(mode).withCommitInfo(info));
    p.run().waitUntilFinish();
  }

  private List<String> expectedText(List<GenericRecord> rows) {
    return rows.stream().map(DeltaWriteReadTest::text).toList();
  }

  private void assertReads(DeltaRead read, List<GenericRecord> expected) {
    Pipeline p = pipeline();
    PAssert.that(p.apply(read).apply(MapElements.into(TypeDescriptors.strings()).via(DeltaWriteReadTest::text)))
        .containsInAnyOrder(expectedText(expected));
    p.run().waitUntilFinish();
  }

  @Test
  void rowsWrittenReadBackIdenticalAndOldVersionsStayReadable() throws Exception {
    List<GenericRecord> first = new ArrayList<>(rows(DAY, 5, 1000));
    first.addAll(rows(DAY.plusDays(1), 5, 2000));
    write(first, DeltaWrite.Mode.APPEND, Map.of("watermark", "2026-11-21T00:00:00Z"));
    assertThat(DeltaTables.latestVersion(table()), is(Optional.of(0L)));
    assertReads(DeltaRead.latest(table(), SCHEMA), first);

    List<GenericRecord> second = rows(DAY.plusDays(2), 3, 3000);
    write(second, DeltaWrite.Mode.APPEND, Map.of());
    List<GenericRecord> all = new ArrayList<>(first);
    all.addAll(second);
    assertReads(DeltaRead.latest(table(), SCHEMA), all);
    assertReads(DeltaRead.latest(table(), SCHEMA).atVersion(0), first);
    // Delta dates a version by its commit file's modification time.
    long firstCommitAt = Files.getLastModifiedTime(
        dir.resolve("store_daily_revenue/_delta_log/00000000000000000000.json")).toMillis();
    assertReads(DeltaRead.latest(table(), SCHEMA).asOf(firstCommitAt), first);

    assertThat(DeltaTables.userMetadata(table(), 0).get("watermark"), is("2026-11-21T00:00:00Z"));
    assertThat(DeltaTables.userMetadata(table(), 0).containsKey("runId"), is(true));
    assertThat("partition folders as Delta lays them out",
        Files.isDirectory(dir.resolve("store_daily_revenue/order_date=2026-11-22")), is(true));
  }

  @Test
  void replacingPartitionsTouchesOnlyTheRunsDaysAndRerunsGiveTheSameTable() {
    List<GenericRecord> two = new ArrayList<>(rows(DAY, 4, 1000));
    two.addAll(rows(DAY.plusDays(1), 4, 2000));
    write(two, DeltaWrite.Mode.APPEND, Map.of());
    List<GenericRecord> redoDay = rows(DAY, 2, 5000);
    write(redoDay, DeltaWrite.Mode.REPLACE_PARTITIONS, Map.of());
    write(redoDay, DeltaWrite.Mode.REPLACE_PARTITIONS, Map.of()); // the same day again
    List<GenericRecord> expected = new ArrayList<>(redoDay);
    expected.addAll(rows(DAY.plusDays(1), 4, 2000));
    assertReads(DeltaRead.latest(table(), SCHEMA), expected);
  }

  @Test
  void aRunCommitsOnlyIfTheTableStillRecordsTheWatermarkItContinuesFrom() throws Exception {
    write(rows(DAY, 2, 1000), DeltaWrite.Mode.APPEND, Map.of("watermark_to", "A"));
    DeltaTables.WriterState planned = DeltaTables.writerState(table(), "bronze");
    assertThat(planned.latestInfo().get("watermark_to"), is("A"));
    assertThat(planned.lastRun(), is(-1L));
    // another run, planned from the same state, commits first
    continuing(rows(DAY.plusDays(1), 1, 2000), "A", "B");
    Exception late = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> continuing(rows(DAY.plusDays(2), 1, 3000), "A", "C"));
    assertThat(messages(late),
        org.hamcrest.Matchers.containsString("now records watermark_to=B, but this run continues from A"));
    assertThat("the late run committed nothing", DeltaTables.latestCommitInfo(table()).orElseThrow().get("watermark_to"),
        is("B"));
    continuing(rows(DAY.plusDays(2), 1, 3000), "B", "C"); // planned again, it continues
    assertThat(DeltaTables.writerState(table(), "bronze").latestInfo().get("watermark_to"), is("C"));
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }

  private void continuing(List<GenericRecord> rows, String from, String to) {
    Pipeline p = pipeline();
    p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").withCommitInfo(Map.of("watermark_to", to))
            .continuing("watermark_to", from));
    p.run().waitUntilFinish();
  }

  @Test
  void overwriteReplacesEverything() {
    write(rows(DAY, 4, 1000), DeltaWrite.Mode.APPEND, Map.of());
    List<GenericRecord> only = rows(DAY.plusDays(5), 1, 9000);
    write(only, DeltaWrite.Mode.OVERWRITE, Map.of());
    assertReads(DeltaRead.latest(table(), SCHEMA), only);
  }

  @Test
  void aRunThatDiesBeforeItsCommitLeavesTheTableAsItWasAndTheNextRunRecovers() throws Exception {
    List<GenericRecord> before = rows(DAY, 3, 1000);
    write(before, DeltaWrite.Mode.APPEND, Map.of());
    // A run that dies mid-way: one row makes the pipeline fail while other bundles are written.
    Pipeline p = pipeline();
    p.apply(Create.of(rows(DAY.plusDays(1), 50, 2000)).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(MapElements.into(org.apache.beam.sdk.values.TypeDescriptor.of(GenericRecord.class)).via(r -> {
          if ((Integer) r.get("store_id") == 37) {
            throw new IllegalStateException("simulated crash");
          }
          return r;
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, SCHEMA))
        // bundles of 5 rows and more are written in place: the bundles that finished before the crash left files
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").withLargeBundleRows(5));
    assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat("no commit", DeltaTables.latestVersion(table()), is(Optional.of(0L)));
    assertReads(DeltaRead.latest(table(), SCHEMA), before);

    List<GenericRecord> next = rows(DAY.plusDays(1), 4, 3000);
    write(next, DeltaWrite.Mode.APPEND, Map.of());
    List<GenericRecord> expected = new ArrayList<>(before);
    expected.addAll(next);
    assertReads(DeltaRead.latest(table(), SCHEMA), expected);

    // Vacuum removes exactly the unreferenced files (the dead run's orphans, if any were written).
    long onDisk = parquetFiles();
    List<String> deleted = DeltaTables.vacuum(table(), java.time.Duration.ZERO, false);
    assertThat(parquetFiles(), is(onDisk - deleted.size()));
    assertThat(parquetFiles(), is((long) DeltaTables.log(table()).update().getAllFiles().size()));
    assertReads(DeltaRead.latest(table(), SCHEMA), expected);
  }

  private long parquetFiles() throws java.io.IOException {
    try (var s = Files.walk(dir.resolve("store_daily_revenue"))) {
      return s.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log")).count();
    }
  }

  @Test
  void runsCommittingAtOnceNeverCorruptTheTable() throws Exception {
    write(rows(DAY, 2, 1000), DeltaWrite.Mode.APPEND, Map.of());
    for (int round = 0; round < 3; round++) {
      List<GenericRecord> a = rows(DAY.plusDays(1), 3, 10_000 + round * 100);
      List<GenericRecord> b = rows(DAY.plusDays(1), 5, 20_000 + round * 100);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      var fa = pool.submit(() -> write(a, DeltaWrite.Mode.REPLACE_PARTITIONS, Map.of()));
      var fb = pool.submit(() -> write(b, DeltaWrite.Mode.REPLACE_PARTITIONS, Map.of()));
      List<Throwable> failures = new ArrayList<>();
      for (var f : List.of(fa, fb)) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      pool.shutdown();
      // Either both committed one after the other, or the loser failed with Delta's conflict error.
      for (Throwable t : failures) {
        boolean conflict = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
          conflict |= c instanceof io.delta.standalone.exceptions.DeltaConcurrentModificationException;
        }
        assertThat("the loser fails with Delta's conflict error: " + t, conflict, is(true));
      }
      assertThat("at least one run committed", failures.size() < 2, is(true));
      // The day holds exactly one run's rows, never a mix or both.
      List<String> day = readAll().stream().filter(s -> s.startsWith(DAY.plusDays(1).toString())).sorted().toList();
      List<String> onlyA = a.stream().map(DeltaWriteReadTest::text).sorted().toList();
      List<String> onlyB = b.stream().map(DeltaWriteReadTest::text).sorted().toList();
      assertThat(day + " is one run's rows", day.equals(onlyA) || day.equals(onlyB), is(true));
    }
    assertThat(readAll().stream().filter(s -> s.startsWith(DAY.toString())).count(), is(2L));
  }

  /** The latest snapshot's rows as text, read without a pipeline. */
  private List<String> readAll() throws java.io.IOException {
    List<String> out = new ArrayList<>();
    for (var f : DeltaTables.log(table()).update().getAllFiles()) {
      try (var r = org.apache.parquet.avro.AvroParquetReader.<GenericRecord>builder(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
              new org.apache.hadoop.fs.Path(table(), f.getPath()), new org.apache.hadoop.conf.Configuration())).build()) {
        for (GenericRecord g; (g = r.read()) != null; ) {
          out.add(text(g));
        }
      }
    }
    return out;
  }

  @Test
  void aRunWithNoRowsCommitsNothing() {
    write(rows(DAY, 2, 1000), DeltaWrite.Mode.APPEND, Map.of());
    write(List.of(), DeltaWrite.Mode.APPEND, Map.of());
    assertThat(DeltaTables.latestVersion(table()), is(Optional.of(0L)));
  }

  @Test
  void writesACheckpointEveryTenCommits() {
    for (int i = 0; i < 11; i++) {
      write(List.of(row(DAY, i, i)), DeltaWrite.Mode.APPEND, Map.of());
    }
    assertThat(DeltaTables.latestVersion(table()), is(Optional.of(10L)));
    assertThat(Files.exists(dir.resolve("store_daily_revenue/_delta_log/00000000000000000010.checkpoint.parquet")),
        is(true));
    List<String> stores = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      stores.add(DAY + "/" + i + "=" + i);
    }
    Pipeline p = pipeline();
    PAssert.that(p.apply(DeltaRead.latest(table(), SCHEMA))
            .apply(MapElements.into(TypeDescriptors.strings()).via(DeltaWriteReadTest::text)))
        .containsInAnyOrder(stores);
    p.run().waitUntilFinish();
  }

  private void replaceDay(List<GenericRecord> rows) {
    Pipeline p = pipeline();
    p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").replacingPartition(DAY.toString()));
    p.run().waitUntilFinish();
  }

  @Test
  void replacingOnePartitionEmptiesItWhenARunHasNoRowsAndRefusesRowsOutsideIt() throws Exception {
    write(rows(DAY.plusDays(1), 2, 500), DeltaWrite.Mode.APPEND, Map.of());
    replaceDay(rows(DAY, 3, 1000));
    assertThat(DeltaTables.readSmall(table(), SCHEMA, DAY.toString()).size(), is(3));
    replaceDay(List.of());
    assertThat("the empty run committed", DeltaTables.latestVersion(table()), is(Optional.of(2L)));
    assertThat(DeltaTables.readSmall(table(), SCHEMA, DAY.toString()).size(), is(0));
    assertThat("other days untouched", DeltaTables.readSmall(table(), SCHEMA, null).size(), is(2));
    Exception e = assertThrows(Exception.class, () -> replaceDay(rows(DAY.plusDays(1), 1, 7)));
    assertThat(e.getMessage(), org.hamcrest.Matchers.containsString("in a run that replaces only order_date=2026-11-20"));
    assertThat("the failed run committed nothing", DeltaTables.latestVersion(table()), is(Optional.of(2L)));
  }

  /** The writer remembers the last row's partition; a row of another one is still checked and refused. */
  @Test
  void aRowOfAnotherDayAfterTheDaysRowsIsRefusedToo() throws Exception {
    DeltaWrite.PartitionFiles files = new DeltaWrite.PartitionFiles(
        DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").replacingPartition(DAY.toString()), SCHEMA);
    for (GenericRecord r : rows(DAY, 3, 1000)) {
      files.write(r);
    }
    Exception e = assertThrows(IllegalArgumentException.class, () -> files.write(row(DAY.plusDays(1), 9, 7)));
    assertThat(e.getMessage(),
        org.hamcrest.Matchers.containsString("row with order_date=2026-11-21 in a run that replaces only order_date=2026-11-20"));
    files.write(row(DAY, 4, 1004));
    List<WrittenFile> written = files.close();
    assertThat(written.size(), is(1));
    assertThat(written.get(0).partitionValues(), is(Map.of("order_date", DAY.toString())));
    assertThat("the day's rows, not the refused one", written.get(0).records(), is(4L));
  }

  @Test
  void smallBundlesAreGatheredIntoAtMostOneFilePerShardAndPartition() {
    List<GenericRecord> many = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      many.add(row(DAY, i, i));
    }
    write(many, DeltaWrite.Mode.APPEND, Map.of());
    long files = DeltaTables.log(table()).update().getAllFiles().size();
    assertThat("files: " + files, files <= DeltaWrite.DEFAULT_SHARDS, is(true));
  }

  @Test
  void largeBundlesAreWrittenInPlaceAndEveryRowIsCommittedOnce() throws Exception {
    List<GenericRecord> many = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      many.add(row(DAY.plusDays(i % 2), i, i));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(many).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").withLargeBundleRows(500));
    p.run().waitUntilFinish();
    List<AddFile> files = DeltaTables.log(table()).update().getAllFiles();
    long small = files.stream().filter(f -> rowsIn(f) < 250).count();
    assertThat("files of small bundles (< 500 rows, so < 250 per day): " + small, small <= 2L * DeltaWrite.DEFAULT_SHARDS,
        is(true));
    assertThat("some bundles were written in place: " + files.size() + " files", files.stream().anyMatch(f -> rowsIn(f) >= 250),
        is(true));
    assertThat(DeltaTables.readSmall(table(), SCHEMA, null).stream().map(DeltaWriteReadTest::text).sorted().toList(),
        is(expectedText(many).stream().sorted().toList()));
    for (LocalDate day : List.of(DAY, DAY.plusDays(1))) {
      List<GenericRecord> inPartition = DeltaTables.readSmall(table(), SCHEMA, day.toString());
      assertThat("rows in " + day + "'s files (the days alternate row by row)", inPartition.size(), is(10_000));
      assertThat(day + "'s files hold only its rows", inPartition.stream()
          .allMatch(r -> LocalDate.ofEpochDay((Integer) r.get("order_date")).equals(day)), is(true));
    }
  }

  /**
   * Bucketed by store: small bundles (gathered by bucket) and large ones (written in place) both leave files of one
   * bucket each, tagged with it, at most one per bucket, partition and bundle; the splits carry the tags; a later
   * commit's rows of a store land in the same bucket; every row is read back once.
   */
  @Test
  void bucketedWritesPutEveryKeyInFilesOfItsBucketTaggedWithIt() throws Exception {
    int buckets = 4;
    DeltaWrite write = DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date")
        .bucketedBy("store", buckets, r -> String.valueOf(r.get("store_id")));
    List<GenericRecord> small = rows(DAY, 40, 1000);
    Pipeline first = pipeline();
    first.apply(Create.of(small).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA))).apply(write);
    first.run().waitUntilFinish();
    long bucketsOfTheRows = small.stream().map(r -> DeltaWrite.bucketOf(String.valueOf(r.get("store_id")), buckets))
        .distinct().count();
    assertThat("small bundles: one file per bucket", (long) DeltaTables.log(table()).update().getAllFiles().size(),
        is(bucketsOfTheRows));

    List<GenericRecord> large = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      large.add(row(DAY.plusDays(i % 2), i % 300, i));
    }
    Pipeline second = pipeline();
    second.apply(Create.of(large).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA))).apply(write.withLargeBundleRows(200));
    second.run().waitUntilFinish();

    List<AddFile> files = DeltaTables.log(table()).update().getAllFiles();
    assertThat("some bundles were written in place: " + files.size() + " files", files.size() > 2 * buckets, is(true));
    for (AddFile f : files) {
      assertThat(f.getPath(), f.getTags().get(DeltaWrite.BUCKETING_TAG), is("store/" + buckets));
      int bucket = Integer.parseInt(f.getTags().get(DeltaWrite.BUCKET_TAG));
      List<GenericRecord> in = new ArrayList<>();
      DeltaTables.readSplit(table(), new FileSplit(f.getPath(), 0, Long.MAX_VALUE, Map.of()), SCHEMA, false, in::add);
      assertThat(f.getPath() + " holds rows", in.isEmpty(), is(false));
      for (GenericRecord r : in) {
        assertThat(f.getPath() + ": " + r, DeltaWrite.bucketOf(String.valueOf(r.get("store_id")), buckets), is(bucket));
      }
    }
    DeltaRead read = DeltaRead.latest(table(), SCHEMA);
    assertThat(read.splits().stream().allMatch(s -> s.tags().containsKey(DeltaWrite.BUCKET_TAG)), is(true));
    List<GenericRecord> all = new ArrayList<>(small);
    all.addAll(large);
    assertReads(read, all);
  }

  /** 20,000 rows of one day written in one file (one shard) of 16 KB row groups; returns them. */
  private List<GenericRecord> writeOneFileOfManyRowGroups() {
    List<GenericRecord> many = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      many.add(row(DAY, i, i));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(many).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table(), SCHEMA).partitionedBy("order_date").withShards(1).withRowGroupBytes(16 * 1024));
    p.run().waitUntilFinish();
    return many;
  }

  @Test
  void aFileOfSeveralRowGroupsIsReadInSplitsAndEveryRowExactlyOnce() {
    List<GenericRecord> many = writeOneFileOfManyRowGroups();
    List<AddFile> files = DeltaTables.log(table()).update().getAllFiles();
    assertThat("one file (one shard): " + files.size(), files.size(), is(1));
    assertThat("row groups in the file", rowGroupsIn(files.get(0)) > 3, is(true));

    DeltaRead read = DeltaRead.latest(table(), SCHEMA).withSplitBytes(files.get(0).getSize() / 4);
    assertThat("splits: " + read.splits(), read.splits().size() >= 4, is(true));
    // containsInAnyOrder compares multisets: a row group read by two splits, or by none, fails it
    assertReads(read, many);
    // a split as large as the file reads it whole, as before
    assertReads(DeltaRead.latest(table(), SCHEMA).withSplitBytes(Long.MAX_VALUE / 2), many);
  }

  @Test
  void rowGroupSplitsAreTheFilesRowGroupsAndTheirSourceGivesEachItsOwnRunnerSplit() throws Exception {
    List<GenericRecord> many = writeOneFileOfManyRowGroups();
    AddFile file = DeltaTables.log(table()).update().getAllFiles().get(0);

    DeltaRead read = DeltaRead.latest(table(), SCHEMA).onlyPartition(DAY.toString()).withRowGroupSplits();
    List<FileSplit> splits = read.splits();
    assertThat("a split per row group: " + splits, splits.size(), is(rowGroupsIn(file)));
    assertThat(splits.stream().map(FileSplit::start).distinct().count(), is((long) splits.size()));
    // whatever bundle size a runner asks for, each split is a source of its own
    SplitSource source = (SplitSource) SplitSource.of(splits).getSource();
    assertThat(source.split(Long.MAX_VALUE, org.apache.beam.sdk.options.PipelineOptionsFactory.create()).size(), is(splits.size()));
    assertThat(source.split(1, org.apache.beam.sdk.options.PipelineOptionsFactory.create()).size(), is(splits.size()));

    Pipeline readBack = pipeline();
    PAssert.that(readBack.apply(SplitSource.of(splits))
            .apply(org.apache.beam.sdk.transforms.ParDo.of(new ReadSplitAsText(read))))
        .containsInAnyOrder(expectedText(many)); // a row group read twice, or never, fails this
    readBack.run().waitUntilFinish();
  }

  /** Reads each split itself, as a step that joins while it reads does. */
  private static final class ReadSplitAsText extends org.apache.beam.sdk.transforms.DoFn<FileSplit, String> {
    private final DeltaRead read;

    ReadSplitAsText(DeltaRead read) {
      this.read = read;
    }

    @ProcessElement
    public void process(@Element FileSplit split, OutputReceiver<String> out) throws java.io.IOException {
      read.readSplit(split, read.recordSchema(), r -> out.output(text(r)));
    }
  }

  private int rowGroupsIn(AddFile f) {
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(table(), f.getPath()),
            new Configuration()))) {
      return r.getRowGroups().size();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long rowsIn(AddFile f) {
    Configuration conf = new Configuration();
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(table(), f.getPath()), conf))) {
      return r.getRecordCount();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
