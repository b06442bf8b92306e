package com.coffeeshop.pipelines.revenue;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LandingZoneOptions;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.jdbc.LandingZoneJdbc;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Revenue per store for one UTC day, read from the landing zone with JdbcIO and written as one
 * parquet file. The date predicate is pushed into the SQL, so only that day's lines are read.
 *
 * <p>Small on purpose: it is the pipeline the portability test runs on the Direct, Flink and Spark
 * runners (a JDBC source, a shuffle and a file sink), and must give identical rows on each.
 */
public class StoreDailyRevenue {

  /** Options of this pipeline. */
  public interface Options extends LandingZoneOptions, DayOptions {
    @Description("Output folder; the parquet file lands in it as store_daily_revenue-<date>-*.parquet")
    @Validation.Required
    String getOutput();

    void setOutput(String value);
  }

  /** One order line of the day, as read from MySQL. */
  @DefaultCoder(SerializableCoder.class)
  public record Line(int storeId, int quantity, long subtotal, boolean suggestion) implements Serializable {}

  /** Running totals of one store. */
  @DefaultCoder(SerializableCoder.class)
  public static final class Totals implements Serializable {
    long lines;
    long items;
    long revenue;
    long suggestedRevenue;

    // Value semantics let the DirectRunner's mutation detector compare encoded accumulators.
    @Override
    public boolean equals(Object o) {
      return o instanceof Totals t && t.lines == lines && t.items == items && t.revenue == revenue
          && t.suggestedRevenue == suggestedRevenue;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(lines, items, revenue, suggestedRevenue);
    }
  }

  /** Reads the order lines whose order was placed on {@code day} (UTC). */
  static class ReadDayLines extends PTransform<PBegin, PCollection<Line>> {
    private final SerializableFunction<Void, DataSource> dataSource;
    private final LocalDate day;

    ReadDayLines(SerializableFunction<Void, DataSource> dataSource, LocalDate day) {
      this.dataSource = dataSource;
      this.day = day;
    }

    @Override
    public PCollection<Line> expand(PBegin input) {
      final LocalDateTime from = day.atStartOfDay();
      final LocalDateTime to = day.plusDays(1).atStartOfDay();
      return input.apply(
          "ReadOrderLines",
          JdbcIO.<Line>read()
              .withDataSourceProviderFn(dataSource)
              .withQuery(
                  "SELECT o.store_id, d.quantity, d.subtotal, d.is_suggestion"
                      + " FROM orders o JOIN order_details d ON d.order_id = o.id"
                      + " WHERE o.`timestamp` >= ? AND o.`timestamp` < ?")
              .withStatementPreparator(
                  ps -> {
                    ps.setObject(1, from);
                    ps.setObject(2, to);
                  })
              .withRowMapper(
                  rs -> new Line(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getBoolean(4)))
              .withCoder(SerializableCoder.of(Line.class))
              // The read is one query; the per-store combine below is the shuffle that spreads
              // work. JdbcIO's own reshuffle only made thousands of tiny bundles, which cost the
              // DirectRunner minutes (it re-translates a ParDo for every bundle).
              .withOutputParallelization(false));
    }
  }

  /** Sums lines, items and revenue per store. */
  static class SumPerStore extends Combine.CombineFn<Line, Totals, Totals> {
    @Override
    public Totals createAccumulator() {
      return new Totals();
    }

    @Override
    public Totals addInput(Totals acc, Line line) {
      acc.lines++;
      acc.items += line.quantity();
      acc.revenue += line.subtotal();
      if (line.suggestion()) {
        acc.suggestedRevenue += line.subtotal();
      }
      return acc;
    }

    @Override
    public Totals mergeAccumulators(Iterable<Totals> accumulators) {
      Totals sum = new Totals();
      for (Totals t : accumulators) {
        sum.lines += t.lines;
        sum.items += t.items;
        sum.revenue += t.revenue;
        sum.suggestedRevenue += t.suggestedRevenue;
      }
      return sum;
    }

    @Override
    public Totals extractOutput(Totals acc) {
      return acc;
    }
  }

  /** Turns one store's totals into a record of the {@code store_daily_revenue} schema. */
  static class ToRecord extends DoFn<KV<Integer, Totals>, GenericRecord> {
    private final String schemaJson;
    private final int epochDay;
    private transient Schema schema;

    ToRecord(Schema schema, LocalDate day) {
      this.schemaJson = schema.toString();
      this.epochDay = (int) day.toEpochDay();
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(schemaJson);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Totals> e, OutputReceiver<GenericRecord> out) {
      GenericRecord r = new GenericData.Record(schema);
      r.put("order_date", epochDay);
      r.put("store_id", e.getKey());
      r.put("lines", e.getValue().lines);
      r.put("items", e.getValue().items);
      r.put("revenue", e.getValue().revenue);
      r.put("suggested_revenue", e.getValue().suggestedRevenue);
      out.output(r);
    }
  }

  public static PipelineResult run(Options options) {
    LocalDate day = DayOptions.day(options);
    Schema schema = AvroSchemas.storeDailyRevenue();
    Pipeline p = Pipeline.create(options);
    p.apply("ReadDayLines", new ReadDayLines(LandingZoneJdbc.dataSource(LandingZoneOptions.endpoint(options)), day))
        .apply(
            "KeyByStore",
            ParDo.of(
                new DoFn<Line, KV<Integer, Line>>() {
                  @ProcessElement
                  public void process(@Element Line line, OutputReceiver<KV<Integer, Line>> out) {
                    out.output(KV.of(line.storeId(), line));
                  }
                }))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Line.class)))
        .apply("SumPerStore", Combine.perKey(new SumPerStore()))
        .apply("ToRecord", ParDo.of(new ToRecord(schema, day)))
        .setCoder(AvroCoder.of(GenericRecord.class, schema))
        .apply(
            "WriteParquet",
            FileIO.<GenericRecord>write()
                .via(ParquetIO.sink(schema))
                .to(options.getOutput())
                .withPrefix("store_daily_revenue-" + day)
                .withSuffix(".parquet")
                .withNumShards(1));
    return Jobs.run(p);
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("store daily revenue", () -> Jobs.toCompletion(
        run(Jobs.batchOptions(args, Options.class)), "store daily revenue"));
  }

}
