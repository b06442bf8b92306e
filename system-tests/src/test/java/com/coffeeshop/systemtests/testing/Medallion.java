package com.coffeeshop.systemtests.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.pipelines.medallion.gold.GoldDimensions;
import com.coffeeshop.pipelines.medallion.gold.GoldFacts;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.OrderBuckets;
import com.coffeeshop.pipelines.medallion.silver.SilverClean;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.delta.FileSplit;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;

/** Runs the silver and gold steps on the runner under test, and writes or reads lakehouse tables directly. */
public final class Medallion {
  private final String lakehouse;
  private final List<String> extra;

  /** Steps over {@code lakehouse} with the runner config's options and {@code extra} ones (--timeZone, say). */
  public Medallion(String lakehouse, String... extra) {
    this.lakehouse = lakehouse;
    this.extra = List.of(extra);
  }

  private <T extends PipelineOptions> T options(Class<T> type, LocalDate day, String... extra) throws IOException {
    List<String> args = RunnerUnderTest.args();
    args.add("--lakehouse=" + lakehouse);
    args.add("--date=" + day);
    args.addAll(this.extra);
    args.addAll(List.of(extra));
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(type);
  }

  /** Silver for the day (no gate: the caller checks the report). */
  public void silver(LocalDate day, String... extra) throws IOException {
    assertThat(SilverClean.run(options(SilverClean.Options.class, day, extra)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  /** Silver as the scheduler runs it: the day, the stale days it restates, the gate. Returns the days built. */
  public List<LocalDate> silverAndLateDays(LocalDate day) throws IOException {
    return SilverClean.runAndRestate(options(SilverClean.Options.class, day));
  }

  /** Gold facts as the scheduler runs them: the day and the stale days it restates. Returns the days built. */
  public List<LocalDate> factsAndLateDays(LocalDate day) throws IOException {
    return GoldFacts.runAndRestate(options(GoldFacts.Options.class, day));
  }

  public void dimensions(LocalDate day) throws IOException {
    assertThat(GoldDimensions.run(options(GoldDimensions.Options.class, day)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  public void facts(LocalDate day) throws IOException {
    assertThat(GoldFacts.run(options(GoldFacts.Options.class, day)).waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  public List<GenericRecord> silverRows(String table, LocalDate day) throws IOException {
    return DeltaTables.readSmall(Lakehouse.silver(lakehouse, table), AvroSchemas.silver(table), day.toString());
  }

  public List<GenericRecord> goldRows(String table) throws IOException {
    return DeltaTables.readSmall(Lakehouse.gold(lakehouse, table), AvroSchemas.gold(table), null);
  }

  /**
   * A bronze row of {@code table} with the given source values (as text), in {@code partition}: written in
   * MySQL at its {@code updated_at} when it has one (else at the partition's start), read by a bronze run at
   * the end of the partition's day.
   */
  public static GenericRecord bronzeRow(String table, LocalDate partition, Map<String, String> values) {
    Schema schema = AvroSchemas.bronze(table);
    GenericRecord r = new GenericData.Record(schema);
    values.forEach((k, v) -> {
      if (schema.getField(k) == null) {
        throw new IllegalArgumentException("no column " + k + " in bronze " + table);
      }
      r.put(k, v);
    });
    long start = partition.atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    long changed = start;
    try {
      if (values.get("updated_at") != null) {
        changed = java.time.LocalDateTime.parse(values.get("updated_at").replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC)
            .toEpochMilli();
      }
    } catch (java.time.format.DateTimeParseException unparsable) {
      // a fixture of a malformed business time: the change time stays the partition's start
    }
    r.put("_changed_at", changed);
    r.put("_deleted", false);
    r.put("_seen_at", start + 86_400_000L);
    r.put("_run_id", "fixture");
    r.put("_ingested_at", start + 86_400_000L);
    r.put("_source_table", table);
    r.put("_partition_date", (int) partition.toEpochDay());
    return r;
  }

  /** Appends rows to a bronze table as a bronze run does: orders and order details in 16 buckets of the order id. */
  public void appendBronze(String table, List<GenericRecord> rows) {
    appendBronze(table, rows, OrderBuckets.DEFAULT_BUCKETS);
  }

  /** Appends rows to a bronze table as a bronze run with {@code --orderBuckets=buckets} does. */
  public void appendBronze(String table, List<GenericRecord> rows, int buckets) {
    append(Lakehouse.bronzeTable(lakehouse, table, buckets), AvroSchemas.bronze(table), rows);
  }

  /** Appends rows to a bronze table in files of no bucket, as nothing of ours writes them (a tool, by hand). */
  public void appendBronzeWithoutBuckets(String table, List<GenericRecord> rows) {
    append(DeltaWrite.to(Lakehouse.bronze(lakehouse, table), AvroSchemas.bronze(table))
        .partitionedBy(Lakehouse.BRONZE_PARTITION), AvroSchemas.bronze(table), rows);
  }

  /** Appends rows to a silver table of the order days ({@code orders}, {@code order_lines}). */
  public void appendSilver(String table, List<GenericRecord> rows) {
    Schema schema = AvroSchemas.silver(table);
    append(DeltaWrite.to(Lakehouse.silver(lakehouse, table), schema).partitionedBy("order_date"), schema, rows);
  }

  private static void append(DeltaWrite write, Schema schema, List<GenericRecord> rows) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, schema))).apply(write);
    p.run().waitUntilFinish();
  }
}
