package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.LandingZoneOptions;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.schemas.LandingZone;
import com.coffeeshop.transforms.delta.DeltaRead;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.coffeeshop.transforms.delta.DeltaWrite;
import com.coffeeshop.transforms.jdbc.LandingZoneJdbc;
import java.io.Serializable;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Incremental bronze ingestion: for each landing-zone table, the rows changed since the last
 * successful run land in {@code <lakehouse>/bronze/<table>}, a Delta table, as they came plus ingest
 * metadata.
 *
 * <p>Guarantees: the watermark predicate is in the SQL (never a full read filtered here). The
 * watermark lives in the bronze table's commit info, so a failed run changes nothing and the next one
 * starts from the last success. {@code --overlapMinutes} are re-read for transactions that committed
 * late; rows already in bronze (same key, and same {@code updated_at} for reference tables) are
 * dropped, so each source row version lands once and a re-run of a range gives the same table.
 */
public class BronzeIngest {

  public interface Options extends LandingZoneOptions, LakehouseOptions {
    @Description("Landing-zone tables to ingest (default: all of them)")
    @Default.InstanceFactory(AllTables.class)
    List<String> getTables();

    void setTables(List<String> value);

    @Description("Minutes before the stored watermark that are read again, for transactions that committed late")
    @Default.Integer(10)
    int getOverlapMinutes();

    void setOverlapMinutes(int value);

    @Description("Read changes from this UTC instant (ISO-8601) instead of the stored watermark: backfills, re-runs")
    String getFrom();

    void setFrom(String value);

    @Description("Read changes before this UTC instant (ISO-8601); default: the run's start")
    String getTo();

    void setTo(String value);
  }

  /** The default of {@code --tables}: every landing-zone table. */
  public static class AllTables implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return LandingZone.TABLES;
    }
  }

  /** How one landing-zone table is read incrementally. */
  record Source(String table, String select, List<String> keyColumns, boolean byOrderDate)
      implements Serializable {}

  static final Map<String, Source> SOURCES = Map.of(
      "product_category", reference("product_category"),
      "products", reference("products"),
      "stores", reference("stores"),
      "payment_methods", reference("payment_methods"),
      "customers", reference("customers"),
      "orders", new Source("orders",
          "SELECT " + columns("orders", "") + ", `timestamp` AS _order_ts FROM orders"
              + " WHERE `timestamp` >= ? AND `timestamp` < ?", List.of("id"), true),
      // Lines have no time of their own: they are taken through their order's time.
      "order_details", new Source("order_details",
          "SELECT " + columns("order_details", "d.") + ", o.`timestamp` AS _order_ts"
              + " FROM order_details d JOIN orders o ON o.id = d.order_id"
              + " WHERE o.`timestamp` >= ? AND o.`timestamp` < ?", List.of("order_id", "product_id"), true));

  private static Source reference(String table) {
    return new Source(table, "SELECT " + columns(table, "") + " FROM " + table
        + " WHERE updated_at >= ? AND updated_at < ?", List.of("id", "updated_at"), false);
  }

  /** The source columns of the bronze schema (those not starting with '_'), quoted, with a prefix. */
  private static String columns(String table, String prefix) {
    return sourceColumns(AvroSchemas.bronze(table)).stream().map(c -> prefix + "`" + c + "`")
        .collect(Collectors.joining(", "));
  }

  static List<String> sourceColumns(Schema bronze) {
    return bronze.getFields().stream().map(Schema.Field::name).filter(n -> !n.startsWith("_")).toList();
  }

  public static String tablePath(String lakehouse, String table) {
    return Lakehouse.bronze(lakehouse, table);
  }

  public static PipelineResult run(Options o) {
    List<String> tables = o.getTables();
    for (String t : tables) {
      if (!SOURCES.containsKey(t)) {
        throw new IllegalArgumentException("--tables: unknown table '" + t + "'; choose from " + LandingZone.TABLES);
      }
    }
    if (o.getOverlapMinutes() < 0) {
      throw new IllegalArgumentException("--overlapMinutes must not be negative, got " + o.getOverlapMinutes());
    }
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant to = o.getTo() == null ? started : instant("--to", o.getTo());
    String runId = LakehouseOptions.runId(o);
    SerializableFunction<Void, DataSource> db = LandingZoneJdbc.dataSource(LandingZoneOptions.endpoint(o));
    Pipeline p = Pipeline.create(o);
    for (String table : tables) {
      Source source = SOURCES.get(table);
      String path = tablePath(o.getLakehouse(), table);
      Instant from = o.getFrom() != null ? instant("--from", o.getFrom())
          : storedWatermark(path).map(w -> w.minus(Duration.ofMinutes(o.getOverlapMinutes()))).orElse(Instant.EPOCH);
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("empty range for " + table + ": from " + from + " is not before to " + to);
      }
      ingest(p, db, source, path, from, to, runId, started);
    }
    return p.run();
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("bronze", () -> Jobs.toCompletion(
        run(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class)), "bronze"));
  }

  /** The upper bound of the last successful run, from the table's latest commit. */
  static Optional<Instant> storedWatermark(String path) {
    return DeltaTables.latestVersion(path)
        .map(v -> DeltaTables.userMetadata(path, v).get("watermark_to"))
        .map(Instant::parse);
  }

  private static void ingest(Pipeline p, SerializableFunction<Void, DataSource> db, Source source, String path,
      Instant from, Instant to, String runId, Instant started) {
    Schema schema = AvroSchemas.bronze(source.table());
    AvroCoder<GenericRecord> coder = AvroCoder.of(GenericRecord.class, schema);
    String name = camel(source.table());
    final LocalDateTime fromUtc = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
    final LocalDateTime toUtc = LocalDateTime.ofInstant(to, ZoneOffset.UTC);
    PCollection<KV<String, GenericRecord>> fresh = p
        .apply("Read" + name, JdbcIO.<GenericRecord>read()
            .withDataSourceProviderFn(db)
            .withQuery(source.select())
            .withStatementPreparator(ps -> {
              ps.setObject(1, fromUtc);
              ps.setObject(2, toUtc);
            })
            .withRowMapper(new ToBronzeRow(schema.toString(), source, runId, started.toEpochMilli()))
            .withCoder(coder)
            .withOutputParallelization(false))
        .apply("Key" + name, MapElements.into(kvOf()).via(r -> KV.of(key(r, source), r)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), coder));

    TupleTag<GenericRecord> freshTag = new TupleTag<>();
    TupleTag<String> seenTag = new TupleTag<>();
    PCollection<GenericRecord> newRows;
    if (DeltaTables.latestVersion(path).isPresent()) {
      // Rows of the overlap already in bronze: only partitions from the range's first day can hold them.
      PCollection<KV<String, String>> seen = p
          .apply("ReadRecent" + name, DeltaRead.latest(path, schema)
              .fromPartition(LocalDate.ofInstant(from, ZoneOffset.UTC).toString()))
          .apply("KeyRecent" + name, MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
              .via(r -> KV.of(key(r, source), "")));
      newRows = KeyedPCollectionTuple.of(freshTag, fresh).and(seenTag, seen)
          .apply("Join" + name, CoGroupByKey.create())
          .apply("DropAlreadyIngested" + name, ParDo.of(new DoFn<KV<String, CoGbkResult>, GenericRecord>() {
            @ProcessElement
            public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<GenericRecord> out) {
              if (!e.getValue().getAll(seenTag).iterator().hasNext()) {
                java.util.Iterator<GenericRecord> it = e.getValue().getAll(freshTag).iterator();
                if (it.hasNext()) {
                  out.output(it.next());
                }
              }
            }
          }))
          .setCoder(coder);
    } else {
      newRows = fresh.apply("Values" + name, MapElements.into(TypeDescriptor.of(GenericRecord.class)).via(KV::getValue))
          .setCoder(coder);
    }
    newRows.apply("Write" + name, DeltaWrite.to(path, schema)
        .partitionedBy("_partition_date")
        .withRunId(runId)
        .withCommitInfo(Map.of("watermark_from", from.toString(), "watermark_to", to.toString(),
            "source_table", source.table())));
  }

  /** Maps a JDBC row to a bronze record: source columns as text, plus the ingest metadata. */
  static class ToBronzeRow implements JdbcIO.RowMapper<GenericRecord> {
    private final String schemaJson;
    private final Source source;
    private final String runId;
    private final long ingestedAt;
    private transient Schema schema;

    ToBronzeRow(String schemaJson, Source source, String runId, long ingestedAt) {
      this.schemaJson = schemaJson;
      this.source = source;
      this.runId = runId;
      this.ingestedAt = ingestedAt;
    }

    @Override
    public GenericRecord mapRow(ResultSet rs) throws Exception {
      if (schema == null) {
        schema = new Schema.Parser().parse(schemaJson);
      }
      GenericRecord r = new GenericData.Record(schema);
      for (String c : sourceColumns(schema)) {
        r.put(c, rs.getString(c));
      }
      r.put("_run_id", runId);
      r.put("_ingested_at", ingestedAt);
      r.put("_source_table", source.table());
      LocalDate partition = source.byOrderDate()
          ? rs.getObject("_order_ts", LocalDateTime.class).toLocalDate()
          : LocalDate.ofInstant(Instant.ofEpochMilli(ingestedAt), ZoneOffset.UTC);
      r.put("_partition_date", (int) partition.toEpochDay());
      return r;
    }
  }

  static String key(GenericRecord r, Source source) {
    return source.keyColumns().stream().map(c -> String.valueOf(r.get(c))).collect(Collectors.joining("|"));
  }

  private static TypeDescriptor<KV<String, GenericRecord>> kvOf() {
    return new TypeDescriptor<KV<String, GenericRecord>>() {};
  }

  private static Instant instant(String option, String value) {
    try {
      return Instant.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " must be an ISO-8601 UTC instant such as 2026-11-25T00:00:00Z, got '"
          + value + "'");
    }
  }

  private static String camel(String table) {
    StringBuilder sb = new StringBuilder();
    for (String part : table.split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  private BronzeIngest() {}
}
