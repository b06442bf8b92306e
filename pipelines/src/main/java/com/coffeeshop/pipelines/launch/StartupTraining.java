package com.coffeeshop.pipelines.launch;

import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.actions.SetTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The training run of a runner jar's class-data archive (JDK Application Class-Data Sharing), run by the
 * build ({@code mvn package -P bundle}) under {@code -XX:DumpLoadedClassList}: the classes it loads are
 * archived, and every later JVM on that jar maps them instead of loading them one by one from the jar (see
 * docs/benchmarks.md for what that saves).
 *
 * <p>So it does what the batch steps do, small, on the runner its options name, in a temporary lakehouse:
 * writes a partitioned Delta table, commits up to its first checkpoint, reads it back, joins it with a
 * side input, sums by key through a shuffle and overwrites a second table; then checks that table's rows.
 * A training run that does not do that fails the build instead of archiving a half-empty class list.
 */
public final class StartupTraining {
  private StartupTraining() {}

  static final int LINES = 400;
  static final int STORES = 10;
  /** Delta standalone's default checkpointInterval. */
  static final int CHECKPOINT_INTERVAL = 10;

  static final Schema LINE = SchemaBuilder.record("TrainingLine").namespace("com.coffeeshop.training").fields()
      .requiredLong("order_id").requiredInt("store_id").requiredLong("line_total").requiredString("day")
      .endRecord();
  static final Schema TOTAL = SchemaBuilder.record("TrainingTotal").namespace("com.coffeeshop.training").fields()
      .requiredString("store_name").requiredLong("total").endRecord();

  public static void main(String[] args) throws Exception {
    Jobs.main("startup training", () -> {
      PipelineOptions options = Jobs.batchOptions(args, PipelineOptions.class);
      Path lake = Files.createTempDirectory("coffeeshop-startup-training");
      try {
        train(options, lake);
      } finally {
        try (Stream<Path> files = Files.walk(lake)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    });
  }

  /** The two runs in {@code lake}; throws when the second table does not hold one total per store. */
  static void train(PipelineOptions options, Path lake) throws IOException {
    String lines = lake.resolve("lines").toString();
    String totals = lake.resolve("totals").toString();

    Pipeline write = Pipeline.create(options);
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      GenericRecord r = new GenericData.Record(LINE);
      r.put("order_id", (long) i / 2);
      r.put("store_id", i % STORES);
      r.put("line_total", 1_000L * (i % 7 + 1));
      r.put("day", i % 2 == 0 ? "2026-10-01" : "2026-10-02");
      rows.add(r);
    }
    write.apply("Lines", Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, LINE)))
        .apply("WriteLines", DeltaWrite.to(lines, LINE).partitionedBy("day"));
    Jobs.toCompletion(Jobs.run(write), "startup training (write)");
    // Commits up to the log's first checkpoint (every 10th version), which the read below starts from, as a
    // step's reads of a table in use do.
    DeltaLog log = DeltaTables.log(lines);
    for (long v = log.update().getVersion(); v < CHECKPOINT_INTERVAL; v++) {
      log.startTransaction().commit(List.of(new SetTransaction("startup-training", v, Optional.empty())),
          new Operation(Operation.Name.WRITE), "coffeeshop-startup-training");
    }

    Pipeline read = Pipeline.create(options);
    List<KV<Integer, String>> names = new ArrayList<>();
    for (int s = 0; s < STORES; s++) {
      names.add(KV.of(s, "store " + s));
    }
    PCollectionView<Map<Integer, String>> storeNames = read.apply("Stores", Create.of(names)).apply(View.asMap());
    read.apply("ReadLines", DeltaRead.latest(lines, LINE))
        .apply("ByStore", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
            .via(r -> KV.of((Integer) r.get("store_id"), (Long) r.get("line_total"))))
        .apply("Sum", Sum.longsPerKey())
        .apply("Name", ParDo.of(new DoFn<KV<Integer, Long>, GenericRecord>() {
          @ProcessElement
          public void process(ProcessContext c) {
            GenericRecord t = new GenericData.Record(TOTAL);
            t.put("store_name", c.sideInput(storeNames).get(c.element().getKey()));
            t.put("total", c.element().getValue());
            c.output(t);
          }
        }).withSideInputs(storeNames))
        .setCoder(AvroCoder.of(GenericRecord.class, TOTAL))
        .apply("WriteTotals", DeltaWrite.to(totals, TOTAL).withMode(DeltaWrite.Mode.OVERWRITE));
    Jobs.toCompletion(Jobs.run(read), "startup training (read)");

    int stored = DeltaTables.readSmall(totals, TOTAL, null).size();
    if (stored != STORES) {
      throw new IllegalStateException("startup training wrote " + stored + " store totals instead of " + STORES
          + ": the runner did not run the training pipelines as written; see its log");
    }
  }
}
