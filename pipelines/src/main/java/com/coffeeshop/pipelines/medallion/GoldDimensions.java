package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.scd2.Scd2Dimension;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;

/**
 * The gold SCD Type 2 dimensions for one day, from silver's snapshots of that day, with the one
 * {@link Scd2Dimension} rule: {@code gld.dim_products}, {@code gld.dim_stores},
 * {@code gld.dim_payment_methods}. Each is rewritten whole (copy-on-write: they are small) in one
 * commit that records the effective day.
 *
 * <p>Dimensions go forward in time: re-running the latest day is idempotent; a day older than a
 * dimension's last effective day leaves it as is (its history already covers that day, which is what
 * the facts join to), and says so.
 */
public class GoldDimensions {
  public interface Options extends LakehouseOptions, DayOptions {
    @Description("Close the current version of a key that is missing from the source snapshot")
    @Default.Boolean(true)
    boolean getCloseMissing();

    void setCloseMissing(boolean value);
  }

  /** One dimension: its table, keys, the silver snapshot it comes from and its tracked columns. */
  record Dimension(String table, String surrogateKey, String naturalKey, String silverTable, List<String> tracked) {}

  static final List<Dimension> DIMENSIONS = List.of(
      new Dimension("dim_products", "product_key", "product_id", "products",
          List.of("product_name", "category", "unit_price")),
      new Dimension("dim_stores", "store_key", "store_id", "stores",
          List.of("store_name", "address", "district", "city")),
      new Dimension("dim_payment_methods", "payment_method_key", "payment_method_id", "payment_methods",
          List.of("method_name", "bank")));

  /** The pipeline, or empty when every dimension is already past the day. */
  public static Optional<PipelineResult> run(Options o) {
    LocalDate day = DayOptions.day(o);
    String runId = LakehouseOptions.runId(o);
    Pipeline p = Pipeline.create(o);
    int built = 0;
    for (Dimension d : DIMENSIONS) {
      String path = Lakehouse.gold(o.getLakehouse(), d.table());
      Optional<LocalDate> last = lastEffectiveDay(path);
      if (last.isPresent() && last.get().isAfter(day)) {
        System.out.printf("%s: already at %s, after %s; kept as is (its history covers %s)%n", d.table(), last.get(), day, day);
        continue;
      }
      String silverPath = Lakehouse.silver(o.getLakehouse(), d.silverTable());
      Lakehouse.requirePartition(silverPath, day, "SilverClean");
      Schema schema = AvroSchemas.gold(d.table());
      PCollection<GenericRecord> snapshot = p.apply("ReadSilver_" + d.silverTable(),
          DeltaRead.latest(silverPath, AvroSchemas.silver(d.silverTable())).onlyPartition(day.toString()));
      Scd2Dimension scd2 = Scd2Dimension.of(schema, d.surrogateKey(), d.naturalKey(), d.tracked())
          .on(day).closeMissing(o.getCloseMissing());
      if (last.isPresent()) {
        scd2 = scd2.existing(p.apply("Read_" + d.table(), DeltaRead.latest(path, schema)));
      }
      snapshot.apply("Scd2_" + d.table(), scd2)
          .apply("Write_" + d.table(), DeltaWrite.to(path, schema)
              .withMode(DeltaWrite.Mode.OVERWRITE)
              .withRunId(runId)
              .withCommitInfo(Map.of("effective_date", day.toString())));
      built++;
    }
    return built == 0 ? Optional.empty() : Optional.of(p.run());
  }

  /** The day the dimension's latest commit applied. */
  static Optional<LocalDate> lastEffectiveDay(String path) {
    return DeltaTables.latestVersion(path)
        .map(v -> DeltaTables.userMetadata(path, v).get("effective_date"))
        .map(LocalDate::parse);
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("gold dimensions", () -> run(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class))
        .ifPresent(r -> Jobs.toCompletion(r, "gold dimensions")));
  }
}
