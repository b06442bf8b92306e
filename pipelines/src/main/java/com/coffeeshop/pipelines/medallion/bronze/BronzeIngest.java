package com.coffeeshop.pipelines.medallion.bronze;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.OrderBuckets;
import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.LandingZoneOptions;
import com.coffeeshop.pipelines.options.TimeZoneOptions;
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
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Incremental bronze ingestion: for each landing-zone table, every row version committed since the
 * last successful run lands in {@code <lakehouse>/bronze/<table>}, a Delta table, as it came plus
 * ingest metadata; a reference row deleted in MySQL lands as a tombstone.
 *
 * <p>Capture is by the position MySQL assigns, never by a business column: every table has
 * {@code changed_at}, set by the server on insert and on every value-changing update. A run reads
 * {@code changed_at} in [the stored watermark, now − {@code --settleMinutes}); the next run starts
 * exactly where it ended, so the ranges tile time and each version is read once, whatever times the
 * row itself carries (an order synced late by an offline till, a line written after its order, a store
 * loaded with an old {@code updated_at}). The settle time is how long a transaction may stay open
 * between writing a row and committing it: a row committed later than that behind the watermark is
 * missed, so keep transactions shorter (the writers' are milliseconds).
 *
 * <p>Versions that MySQL overwrote between two runs are not seen (one run sees the row's state at its
 * read). Deletes of reference rows are found by comparing MySQL's keys with the keys live in bronze;
 * the tombstone is dated at the run's upper bound.
 *
 * <p>The watermark lives in the bronze table's commit info, and each table's runs are numbered
 * ({@link DeltaWrite#inSequence}): a failed run changes nothing; a second run started while the first
 * still runs (an Airflow retry after a timeout) fails at its commit and commits nothing.
 */
public class BronzeIngest {

  public interface Options extends LandingZoneOptions, LakehouseOptions, TimeZoneOptions {
    @Description("Landing-zone tables to ingest (default: all of them)")
    @Default.InstanceFactory(AllTables.class)
    List<String> getTables();

    void setTables(List<String> value);

    @Description("Rows are read up to this many minutes before now, so a transaction still open when the run"
        + " starts commits before its rows' range is read. Longer transactions than this would be missed")
    @Default.Integer(10)
    int getSettleMinutes();

    void setSettleMinutes(int value);

    @Description("Where a table's first run starts reading (UTC instant, ISO-8601); default: the beginning."
        + " A table that exists continues from its stored watermark, always")
    String getFrom();

    void setFrom(String value);

    @Description("Read changes before this UTC instant (ISO-8601), at most now minus --settleMinutes (the default)")
    String getTo();

    void setTo(String value);

    @Description("Orders and order details are written in this many buckets of the order id (a file per bucket,"
        + " table and day), so silver joins a day a bucket at a time, in memory, without a shuffle. Set when bronze"
        + " is created (default " + OrderBuckets.DEFAULT_BUCKETS + "), fixed after: raise it, for days whose"
        + " orders and lines over this number are too large for a worker's memory, by rebuilding bronze")
    Integer getOrderBuckets();

    void setOrderBuckets(Integer value);
  }

  /** The default of {@code --tables}: every landing-zone table. */
  public static class AllTables implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return LandingZone.TABLES;
    }
  }

  /** The writer name that numbers bronze runs in each table's Delta log. */
  static final String WRITER = "coffeeshop-bronze";

  /** How one landing-zone table is read incrementally; reference tables also get tombstones. */
  record Source(String table, String select, String key, boolean reference) implements Serializable {}

  static final Map<String, Source> SOURCES = Map.of(
      "product_category", reference("product_category"),
      "products", reference("products"),
      "stores", reference("stores"),
      "payment_methods", reference("payment_methods"),
      "customers", reference("customers"),
      "orders", new Source("orders",
          "SELECT " + columns("orders", "") + ", `timestamp` AS _order_ts, changed_at AS _changed_at FROM orders"
              + " WHERE changed_at >= ? AND changed_at < ?", "id", false),
      // A line's partition is its order's day: it is read by its own changed_at, with its order's time.
      "order_details", new Source("order_details",
          "SELECT " + columns("order_details", "d.") + ", o.`timestamp` AS _order_ts, d.changed_at AS _changed_at"
              + " FROM order_details d JOIN orders o ON o.id = d.order_id"
              + " WHERE d.changed_at >= ? AND d.changed_at < ?", "order_id", false));

  private static Source reference(String table) {
    return new Source(table, "SELECT " + columns(table, "") + ", changed_at AS _changed_at FROM " + table
        + " WHERE changed_at >= ? AND changed_at < ?", "id", true);
  }

  /** The source columns of the bronze schema (those not starting with '_'), quoted, with a prefix. */
  private static String columns(String table, String prefix) {
    return sourceColumns(AvroSchemas.bronze(table)).stream().map(c -> prefix + "`" + c + "`")
        .collect(Collectors.joining(", "));
  }

  static List<String> sourceColumns(Schema bronze) {
    return bronze.getFields().stream().map(Schema.Field::name).filter(n -> !n.startsWith("_")).toList();
  }

  public static PipelineResult run(Options o) {
    return Jobs.run(plan(o));
  }

  /**
   * The run's pipeline, not started: each table's range and run number are fixed now, from the tables'
   * state, so a second run planned before this one commits fails at its commit.
   */
  public static Pipeline plan(Options o) {
    List<String> tables = o.getTables();
    for (String t : tables) {
      if (!SOURCES.containsKey(t)) {
        throw new IllegalArgumentException("--tables: unknown table '" + t + "'; choose from " + LandingZone.TABLES);
      }
    }
    if (o.getSettleMinutes() < 0) {
      throw new IllegalArgumentException("--settleMinutes must not be negative, got " + o.getSettleMinutes());
    }
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant latest = started.minus(Duration.ofMinutes(o.getSettleMinutes()));
    Instant to = o.getTo() == null ? latest : instant("--to", o.getTo());
    if (to.isAfter(latest)) {
      throw new IllegalArgumentException("--to " + to + " is later than now minus --settleMinutes (" + latest
          + "): rows of that range may still be being written, and the watermark would move past them. Leave --to"
          + " out (it defaults to " + latest + ") or give an earlier instant");
    }
    BusinessDay days = TimeZoneOptions.businessDay(o);
    Lakehouse.requireZone(o.getLakehouse(), days);
    int orderBuckets = orderBuckets(o);
    String runId = LakehouseOptions.runId(o);
    SerializableFunction<Void, DataSource> db = LandingZoneJdbc.dataSource(LandingZoneOptions.endpoint(o));
    Pipeline p = Pipeline.create(o);
    for (String table : tables) {
      Source source = SOURCES.get(table);
      String path = Lakehouse.bronze(o.getLakehouse(), table);
      Optional<Instant> stored = storedWatermark(path);
      if (stored.isPresent() && o.getFrom() != null) {
        throw new IllegalArgumentException("--from: bronze " + table + " exists and continues from its watermark "
            + stored.get() + "; --from only sets where a new table starts. Leave it out (re-reading a range would"
            + " ingest its rows twice)");
      }
      Instant from = stored.orElse(o.getFrom() == null ? Instant.EPOCH : instant("--from", o.getFrom()));
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("--to " + to + " is before bronze " + table + "'s watermark " + from
            + ": that range was ingested already");
      }
      ingest(p, db, source, o.getLakehouse(), from, to, days, runId, started, DeltaTables.lastRun(path, WRITER),
          orderBuckets);
    }
    return p;
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("bronze", () -> Jobs.toCompletion(
        run(Jobs.batchOptions(args, Options.class)), "bronze"));
  }

  /** The commit info key of the number of buckets of the order id bronze's orders and lines are written in. */
  static final String ORDER_BUCKETS = "order_buckets";

  /**
   * {@code --orderBuckets}, or the number bronze's orders were created with: a day's files must all be in the
   * same buckets, so the number is fixed once the table exists.
   */
  static int orderBuckets(Options o) {
    Optional<Integer> stored = DeltaTables.latestCommitInfo(Lakehouse.bronze(o.getLakehouse(), "orders"))
        .map(info -> info.get(ORDER_BUCKETS)).map(Integer::valueOf);
    if (o.getOrderBuckets() == null) {
      return stored.orElse(OrderBuckets.DEFAULT_BUCKETS);
    }
    int asked = OrderBuckets.checked(o.getOrderBuckets());
    if (stored.isPresent() && stored.get() != asked) {
      throw new IllegalArgumentException("--orderBuckets=" + asked + ", but bronze at " + Lakehouse.bronze(o.getLakehouse(),
          "orders") + " was created with " + stored.get() + " buckets: leave the option out, or rebuild bronze (a"
          + " new lakehouse) with the new number");
    }
    return asked;
  }

  /** The upper bound of the last successful run, from the table's latest commit. */
  static Optional<Instant> storedWatermark(String path) {
    return DeltaTables.latestCommitInfo(path).map(info -> info.get("watermark_to")).map(Instant::parse);
  }

  private static void ingest(Pipeline p, SerializableFunction<Void, DataSource> db, Source source, String lake,
      Instant from, Instant to, BusinessDay days, String runId, Instant started, long lastRun, int orderBuckets) {
    String path = Lakehouse.bronze(lake, source.table());
    Schema schema = AvroSchemas.bronze(source.table());
    AvroCoder<GenericRecord> coder = AvroCoder.of(GenericRecord.class, schema);
    String name = camel(source.table());
    final LocalDateTime fromUtc = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
    final LocalDateTime toUtc = LocalDateTime.ofInstant(to, ZoneOffset.UTC);
    PCollection<GenericRecord> rows = p
        .apply("Read" + name, JdbcIO.<GenericRecord>read()
            .withDataSourceProviderFn(db)
            .withQuery(source.select())
            .withStatementPreparator(ps -> {
              ps.setObject(1, fromUtc);
              ps.setObject(2, toUtc);
            })
            .withRowMapper(new ToBronzeRow(schema.toString(), source, days, runId, started.toEpochMilli(), to.toEpochMilli()))
            .withCoder(coder)
            .withOutputParallelization(false));
    if (source.reference()) {
      rows = PCollectionList.of(rows).and(tombstones(p, db, source, path, rows, to, days, runId, started))
          .apply("WithTombstones" + name, Flatten.pCollections());
    }
    if (source.table().equals("products")) {
      observe(p, db, source, lake, to, days, runId);
    }
    rows.apply("Write" + name, Lakehouse.bronzeTable(lake, source.table(), orderBuckets)
        .withRunId(runId)
        .withCommitInfo(Map.of("watermark_from", from.toString(), "watermark_to", to.toString(),
            "source_table", source.table(), Lakehouse.TIME_ZONE, days.zone(), ORDER_BUCKETS, String.valueOf(orderBuckets)))
        .inSequence(WRITER, lastRun));
  }

  /** The bronze table of observations: which version of each product a run saw still in force. */
  static final String OBSERVATIONS = "observations";

  /**
   * Records, for every product whose current version was written before {@code to}, that this version
   * was still in force at {@code to} (the read happens after it). Silver trusts a price only where bronze
   * saw it in force; without these, a price seen once would be unverifiable for every later sale. Rows
   * changed at or after {@code to} are in flux and left out. A few dozen rows a run.
   */
  private static void observe(Pipeline p, SerializableFunction<Void, DataSource> db, Source source, String lake,
      Instant to, BusinessDay days, String runId) {
    String path = Lakehouse.bronze(lake, OBSERVATIONS);
    Schema schema = AvroSchemas.bronze(OBSERVATIONS);
    String schemaJson = schema.toString();
    final LocalDateTime toUtc = LocalDateTime.ofInstant(to, ZoneOffset.UTC);
    long seen = to.toEpochMilli();
    int partition = (int) days.dateOf(seen).toEpochDay();
    p.apply("ReadCurrent" + camel(source.table()), JdbcIO.<GenericRecord>read()
            .withDataSourceProviderFn(db)
            .withQuery("SELECT `" + source.key() + "`, changed_at FROM " + source.table() + " WHERE changed_at < ?")
            .withStatementPreparator(ps -> ps.setObject(1, toUtc))
            .withRowMapper(rs -> {
              GenericRecord r = new GenericData.Record(new Schema.Parser().parse(schemaJson));
              r.put("source_table", source.table());
              r.put("id", rs.getString(1));
              r.put("_changed_at", rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli());
              r.put("_seen_at", seen);
              r.put("_run_id", runId);
              r.put("_partition_date", partition);
              return r;
            })
            .withCoder(AvroCoder.of(GenericRecord.class, schema))
            .withOutputParallelization(false))
        .apply("WriteObservations", Lakehouse.bronzeTable(lake, OBSERVATIONS, OrderBuckets.DEFAULT_BUCKETS)
            .withShards(1)
            .withRunId(runId)
            .withCommitInfo(Map.of("watermark_to", to.toString(), "source_table", source.table()))
            .inSequence(WRITER, DeltaTables.lastRun(path, WRITER)));
  }

  /**
   * A tombstone, dated {@code to}, for every key that is live in bronze (its newest version there, or
   * this run's, is not a tombstone) and no longer in MySQL. Reference tables are small: MySQL's keys
   * and bronze's history are read whole.
   */
  private static PCollection<GenericRecord> tombstones(Pipeline p, SerializableFunction<Void, DataSource> db,
      Source source, String path, PCollection<GenericRecord> fresh, Instant to, BusinessDay days, String runId,
      Instant started) {
    Schema schema = AvroSchemas.bronze(source.table());
    String name = camel(source.table());
    TypeDescriptor<KV<String, Long>> kv = TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs());
    // key -> change time of a live version (>= 0) or of a tombstone (negated, < 0)
    SerializableFunction<GenericRecord, KV<String, Long>> liveness = r -> {
      long at = (Long) r.get("_changed_at");
      return KV.of(String.valueOf(r.get(source.key())), (Boolean) r.get("_deleted") ? -at - 1 : at);
    };
    PCollection<KV<String, Long>> known = fresh.apply("Liveness" + name, MapElements.into(kv).via(liveness));
    if (DeltaTables.latestVersion(path).isPresent()) {
      known = PCollectionList.of(known)
          .and(p.apply("ReadHistory" + name, DeltaRead.latest(path, schema))
              .apply("HistoryLiveness" + name, MapElements.into(kv).via(liveness)))
          .apply("AllVersions" + name, Flatten.pCollections());
    }
    PCollection<KV<String, String>> inMysql = p.apply("ReadKeys" + name, JdbcIO.<KV<String, String>>read()
        .withDataSourceProviderFn(db)
        .withQuery("SELECT `" + source.key() + "` FROM " + source.table())
        .withRowMapper(rs -> KV.of(rs.getString(1), ""))
        .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .withOutputParallelization(false));
    TupleTag<Long> versionsTag = new TupleTag<>();
    TupleTag<String> presentTag = new TupleTag<>();
    String schemaJson = schema.toString();
    long toMillis = to.toEpochMilli();
    return KeyedPCollectionTuple.of(versionsTag, known).and(presentTag, inMysql)
        .apply("JoinKeys" + name, CoGroupByKey.create())
        .apply("Tombstones" + name, ParDo.of(new DoFn<KV<String, CoGbkResult>, GenericRecord>() {
          private transient Schema tombstone;

          @ProcessElement
          public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<GenericRecord> out) {
            if (e.getValue().getAll(presentTag).iterator().hasNext()) {
              return;
            }
            // The newest entry decides; live and tombstone entries compare by their change time.
            long newestLive = Long.MIN_VALUE;
            long newestDelete = Long.MIN_VALUE;
            for (long v : e.getValue().getAll(versionsTag)) {
              if (v >= 0) {
                newestLive = Math.max(newestLive, v);
              } else {
                newestDelete = Math.max(newestDelete, -v - 1);
              }
            }
            if (newestLive == Long.MIN_VALUE || newestDelete >= newestLive) {
              return; // never seen, or already a tombstone
            }
            if (tombstone == null) {
              tombstone = new Schema.Parser().parse(schemaJson);
            }
            GenericRecord r = new GenericData.Record(tombstone);
            r.put(source.key(), e.getKey());
            r.put("_changed_at", toMillis);
            r.put("_deleted", true);
            r.put("_seen_at", toMillis);
            r.put("_run_id", runId);
            r.put("_ingested_at", started.toEpochMilli());
            r.put("_source_table", source.table());
            r.put("_partition_date", (int) days.dateOf(toMillis).toEpochDay());
            out.output(r);
          }
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, schema));
  }

  /** Maps a JDBC row to a bronze record: source columns as text, plus the ingest metadata. */
  static class ToBronzeRow implements JdbcIO.RowMapper<GenericRecord> {
    private final String schemaJson;
    private final Source source;
    private final BusinessDay days;
    private final String runId;
    private final long ingestedAt;
    private final long seenAt;
    private transient Schema schema;

    ToBronzeRow(String schemaJson, Source source, BusinessDay days, String runId, long ingestedAt, long seenAt) {
      this.days = days;
      this.seenAt = seenAt;
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
      long changed = rs.getObject("_changed_at", LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
      r.put("_changed_at", changed);
      r.put("_deleted", false);
      r.put("_seen_at", seenAt);
      r.put("_run_id", runId);
      r.put("_ingested_at", ingestedAt);
      r.put("_source_table", source.table());
      LocalDate partition = days.dateOf(source.reference() ? changed
          : rs.getObject("_order_ts", LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli());
      r.put("_partition_date", (int) partition.toEpochDay());
      return r;
    }
  }

  public static Instant instant(String option, String value) {
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
