package com.coffeeshop.systemtests.delta;

import com.coffeeshop.transforms.testing.BeamTest;
import org.apache.beam.sdk.options.PipelineOptions;
import org.junit.jupiter.api.extension.RegisterExtension;
import com.coffeeshop.systemtests.testing.OnEveryRunner;
import com.coffeeshop.systemtests.testing.RunnerUnderTest;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeltaWrite then DeltaRead on the runner of {@code runner-configs/<beam.test.runnerConfig>.conf}
 * (the test command runs it on Direct, Flink and Spark): rows come back identical, and time travel
 * returns the older version.
 */
@OnEveryRunner
class DeltaRoundTripTest {
  static final Schema SCHEMA = AvroSchemas.storeDailyRevenue();
  @TempDir Path dir;

  static List<GenericRecord> rows(LocalDate day, int stores, long base) {
    List<GenericRecord> out = new ArrayList<>();
    for (int s = 1; s <= stores; s++) {
      GenericRecord r = new GenericData.Record(SCHEMA);
      r.put("order_date", (int) day.toEpochDay());
      r.put("store_id", s);
      r.put("lines", (long) s);
      r.put("items", 2L * s);
      r.put("revenue", base + s);
      r.put("suggested_revenue", s % 3 == 0 ? 1000L : 0L);
      out.add(r);
    }
    return out;
  }

  static String text(GenericRecord r) {
    return LocalDate.ofEpochDay((Integer) r.get("order_date")) + "|" + r.get("store_id") + "|" + r.get("lines") + "|"
        + r.get("items") + "|" + r.get("revenue") + "|" + r.get("suggested_revenue");
  }

  @RegisterExtension final BeamTest beam = new BeamTest();

  static PipelineOptions options() {
    return PipelineOptionsFactory.fromArgs(RunnerUnderTest.args().toArray(String[]::new)).create();
  }

  /** Writes rows as one run would (its pipeline runs here; shared with the Spark interop test). */
  static void write(String table, List<GenericRecord> rows) throws Exception {
    Pipeline p = Pipeline.create(options());
    p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, SCHEMA)))
        .apply(DeltaWrite.to(table, SCHEMA).partitionedBy("order_date"));
    assertThat(p.run().waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  private void assertReads(DeltaRead read, List<GenericRecord> expected) throws Exception {
    // TestPipeline counts the PAssert successes once run() returns; the SparkRunner's batch run()
    // returns before the job ends, so on Spark the assertions run under Beam's TestSparkRunner, which
    // waits for the job (as Beam's own ValidatesRunner suite does).
    List<String> args = RunnerUnderTest.args().stream()
        .map(a -> a.equals("--runner=SparkRunner") ? "--runner=TestSparkRunner" : a).toList();
    Pipeline p = beam.pipeline(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
    PAssert.that(p.apply(read).apply(MapElements.into(TypeDescriptors.strings()).via(DeltaRoundTripTest::text)))
        .containsInAnyOrder(expected.stream().map(DeltaRoundTripTest::text).toList());
    assertThat(p.run().waitUntilFinish(), is(PipelineResult.State.DONE));
  }

  @Test
  void rowsReadBackIdenticalAndTimeTravelReturnsTheOldVersion() throws Exception {
    String table = dir.resolve("store_daily_revenue").toString();
    List<GenericRecord> first = new ArrayList<>(rows(LocalDate.of(2026, 11, 1), 20, 100_000));
    first.addAll(rows(LocalDate.of(2026, 11, 2), 20, 200_000));
    write(table, first);
    List<GenericRecord> second = rows(LocalDate.of(2026, 11, 3), 10, 300_000);
    write(table, second);
    assertThat(DeltaTables.latestVersion(table), is(Optional.of(1L)));

    List<GenericRecord> all = new ArrayList<>(first);
    all.addAll(second);
    assertReads(DeltaRead.latest(table, SCHEMA), all);
    assertReads(DeltaRead.latest(table, SCHEMA).atVersion(0), first);
  }
}
