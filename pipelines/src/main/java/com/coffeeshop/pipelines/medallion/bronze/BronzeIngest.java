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
import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
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
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Incremental bronze ingestion: for each landing-zone table, every row version committed since the
 * last successful run lands in {@code <lakehouse>/bronze/<table>}, a Delta table, as it came plus
 * ingest metadata; a row deleted in MySQL, or a key an update made vanish, lands as a tombstone.
 *
 * <p>Capture is by the position MySQL assigns, never by a business column: every table has
 * {@code changed_at}, set by the server on insert and on every value-changing update. A run reads
 * {@code changed_at} in [the stored watermark, {@code to}); the next run starts exactly where it ended, so the
 * ranges tile time and each version is read once, whatever times the row itself carries (an order synced late by
 * an offline till, a line written after its order, a store loaded with an old {@code updated_at}). {@code to} is
 * read from the database's clock, and stays below the start of every transaction that has written rows and not
 * committed yet ({@link SourceState}): a row such a transaction wrote carries a {@code changed_at} before its
 * commit, and would otherwise fall behind the watermark for good. A run held back longer than
 * {@code --maxLagMinutes} says so, naming the transaction.
 *
 * <p>Deletes: the reference tables' keys are compared whole with the keys live in bronze (a tombstone is dated at
 * the run's upper bound); the orders' and lines' deletes and key changes are logged by triggers into
 * {@code order_changes} (see {@code mysql/schema.sql}) and become tombstones in the day the vanished key was on.
 * Versions that MySQL overwrote between two runs are not seen (one run sees the row's state at its read).
 *
 * <p>A row is kept as it came, as text; one whose order has no usable time (a zero date) lands in the day of its
 * {@code changed_at}, where silver quarantines it naming the value. Columns MySQL has beyond the contract are not
 * read; a column of the contract that MySQL lacks fails the run, naming it.
 *
 * <p>The watermark lives in the bronze table's commit info, read with the run number from one snapshot; each
 * table's runs are numbered ({@link DeltaWrite#inSequence}) and continue the stored watermark
 * ({@link DeltaWrite#continuing}): a failed run changes nothing; a second run started while the first still runs
 * (an Airflow retry after a timeout) fails at its commit and commits nothing.
 */
public class BronzeIngest {

  public interface Options extends LandingZoneOptions, LakehouseOptions, TimeZoneOptions {
    @Description("Landing-zone tables to ingest (default: all of them)")
    @Default.InstanceFactory(AllTables.class)
    List<String> getTables();

    void setTables(List<String> value);

    @Description("Rows are read up to this many minutes before the database's clock (and never past the start of a"
        + " transaction that has written rows and not committed): a margin for statements still running")
    @Default.Integer(1)
    int getSettleMinutes();

    void setSettleMinutes(int value);

    @Description("A run whose range ends more than this many minutes before the database's clock, held back by a"
        + " transaction still open, says so and names it")
    @Default.Integer(60)
    int getMaxLagMinutes();

    void setMaxLagMinutes(int value);

    @Description("Where a table's first run starts reading (UTC instant, ISO-8601); default: the beginning."
        + " A table that exists continues from its stored watermark, always")
    String getFrom();

    void setFrom(String value);

    @Description("Read changes before this UTC instant (ISO-8601); default and latest: the database's clock minus"
        + " --settleMinutes, or the start of the oldest open transaction that has written rows, whichever is earlier")
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

  /**
   * How one landing-zone table is read incrementally: {@code select} takes the range's bounds (twice for a table
   * whose vanished keys come from {@code order_changes}); reference tables also get tombstones by key comparison.
   *
   * @param reads the MySQL columns the select reads, per table: what {@link SourceState#requireColumns} checks
   */
  record Source(String table, String select, String key, boolean reference, Map<String, List<String>> reads)
      implements Serializable {
    int bounds() {
      return (int) select.chars().filter(ch -> ch == '?').count();
    }
  }

  /** The landing zone's log of vanished order and line keys (see {@code mysql/schema.sql}). */
  static final String CHANGE_LOG = "order_changes";

  /** The change log's columns bronze reads. */
  private static final List<String> CHANGE_LOG_COLUMNS =
      List.of("table_name", "order_id", "product_id", "order_ts", "changed_at");

  static final Map<String, Source> SOURCES = Map.of(
      "product_category", reference("product_category"),
      "products", reference("products"),
      "stores", reference("stores"),
      "payment_methods", reference("payment_methods"),
      "customers", reference("customers"),
      "orders", new Source("orders",
          "SELECT " + columns("orders", "") + ", `timestamp` AS _order_ts, changed_at AS _changed_at, 0 AS _deleted"
              + " FROM orders WHERE changed_at >= ? AND changed_at < ?"
              + " UNION ALL SELECT " + vanished("orders", Map.of("id", "order_id"))
              + " FROM " + CHANGE_LOG + " WHERE table_name = 'orders' AND changed_at >= ? AND changed_at < ?",
          "id", false, Map.of("orders", read("orders", "timestamp"), CHANGE_LOG, CHANGE_LOG_COLUMNS)),
      // A line's partition is its order's day: it is read by its own changed_at, with its order's time.
      "order_details", new Source("order_details",
          "SELECT " + columns("order_details", "d.") + ", o.`timestamp` AS _order_ts, d.changed_at AS _changed_at,"
              + " 0 AS _deleted FROM order_details d JOIN orders o ON o.id = d.order_id"
              + " WHERE d.changed_at >= ? AND d.changed_at < ?"
              + " UNION ALL SELECT " + vanished("order_details", Map.of("order_id", "order_id", "product_id", "product_id"))
              + " FROM " + CHANGE_LOG + " WHERE table_name = 'order_details' AND changed_at >= ? AND changed_at < ?",
          "order_id", false, Map.of("order_details", read("order_details"), "orders", List.of("id", "timestamp"),
              CHANGE_LOG, CHANGE_LOG_COLUMNS)));

  private static Source reference(String table) {
    return new Source(table, "SELECT " + columns(table, "") + ", changed_at AS _changed_at, 0 AS _deleted FROM " + table
        + " WHERE changed_at >= ? AND changed_at < ?", "id", true, Map.of(table, read(table)));
  }

  /** The columns bronze reads of {@code table}: its contract's, its capture column, and {@code more}. */
  private static List<String> read(String table, String... more) {
    List<String> columns = new java.util.ArrayList<>(sourceColumns(AvroSchemas.bronze(table)));
    columns.add("changed_at");
    columns.addAll(List.of(more));
    return columns;
  }

  /**
   * The select list of a tombstone from the change log: the vanished key's columns ({@code keys}: bronze column →
   * log column), nulls for the rest, the vanished version's order time, the change time and the deleted flag.
   */
  private static String vanished(String table, Map<String, String> keys) {
    return sourceColumns(AvroSchemas.bronze(table)).stream().map(c -> keys.containsKey(c) ? keys.get(c) : "NULL")
        .collect(Collectors.joining(", ")) + ", order_ts, changed_at, 1";
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
    if (o.getSettleMinutes() < 0 || o.getMaxLagMinutes() < 0) {
      throw new IllegalArgumentException("--settleMinutes and --maxLagMinutes must not be negative, got "
          + o.getSettleMinutes() + " and " + o.getMaxLagMinutes());
    }
    JdbcEndpoint endpoint = LandingZoneOptions.endpoint(o);
    SourceState source = SourceState.read(endpoint);
    if (source.readOnly()) {
      throw new IllegalArgumentException(endpoint + " is read-only (read_only=ON), as replicas are: point bronze at the"
          + " primary (--dbHost). A replica's own open transactions are not the primary's, and its replication lag"
          + " lets rows appear behind the watermark, never to be read");
    }
    // Every column any source reads of a table, so that one source's join column is not reported as extra.
    Map<String, List<String>> reads = new java.util.TreeMap<>();
    tables.forEach(t -> SOURCES.get(t).reads().forEach((table, columns) -> reads.merge(table, columns,
        (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList())));
    source.requireColumns(reads).forEach((table, extra) -> {
      if (!CHANGE_LOG.equals(table)) {
        Jobs.progress("bronze", "landing-zone table " + table + " has columns outside the contract, not captured: "
            + String.join(", ", extra));
      }
    });
    Instant started = source.now().truncatedTo(ChronoUnit.MILLIS);
    Instant latest = started.minus(Duration.ofMinutes(o.getSettleMinutes()));
    Optional<SourceState.OpenWrite> open = source.oldestOpenWrite().filter(w -> w.started().isBefore(latest));
    Instant bound = open.map(SourceState.OpenWrite::started).orElse(latest);
    Instant to = o.getTo() == null ? bound : instant("--to", o.getTo());
    if (to.isAfter(bound)) {
      throw new IllegalArgumentException("--to " + to + " is later than " + bound + " (" + (open.isPresent()
          ? "the start of a transaction still open with " + open.get().rowsModified() + " rows written"
          : "the database's clock minus --settleMinutes") + "): rows of that range may still be committed, and the"
          + " watermark would move past them. Leave --to out (it defaults to " + bound + ") or give an earlier instant");
    }
    Duration lag = Duration.between(to, started);
    if (open.isPresent() && lag.toMinutes() <= o.getMaxLagMinutes()) {
      Jobs.progress("bronze", "reading changes up to " + to + ", held back by MySQL thread " + open.get().threadId()
          + ": a transaction open since " + open.get().started() + " with " + open.get().rowsModified()
          + " rows written");
    } else if (open.isPresent()) {
      Jobs.progress("bronze", "WARNING: reading changes up to " + to + ", " + lag.toMinutes() + " minutes behind the"
          + " database's clock (--maxLagMinutes=" + o.getMaxLagMinutes() + "): MySQL thread " + open.get().threadId()
          + " has written " + open.get().rowsModified() + " rows in a transaction open since " + open.get().started()
          + ". Everything after that instant waits for the next run; if the transaction is stuck, end it (KILL "
          + open.get().threadId() + ")");
    }
    BusinessDay days = TimeZoneOptions.businessDay(o);
    Lakehouse.requireZone(o.getLakehouse(), days);
    int orderBuckets = orderBuckets(o);
    String runId = LakehouseOptions.runId(o);
    SerializableFunction<Void, DataSource> db = LandingZoneJdbc.dataSource(endpoint);
    Pipeline p = Pipeline.create(o);
    for (String table : tables) {
      String path = Lakehouse.bronze(o.getLakehouse(), table);
      DeltaTables.WriterState state = DeltaTables.writerState(path, WRITER);
      Optional<Instant> stored = Optional.ofNullable(state.latestInfo().get(WATERMARK_TO)).map(Instant::parse);
      if (stored.isPresent() && o.getFrom() != null) {
        throw new IllegalArgumentException("--from: bronze " + table + " exists and continues from its watermark "
            + stored.get() + "; --from only sets where a new table starts. Leave it out (re-reading a range would"
            + " ingest its rows twice)");
      }
      Instant from = stored.orElse(o.getFrom() == null ? Instant.EPOCH : instant("--from", o.getFrom()));
      if (to.isBefore(from) && o.getTo() != null) {
        throw new IllegalArgumentException("--to " + to + " is before bronze " + table + "'s watermark " + from
            + ": that range was ingested already");
      }
      // A transaction that began before the last run and wrote its first row after it holds the bound below the
      // watermark: the range stays empty, and its rows (changed after the watermark) are read once it commits.
      Instant tableTo = to.isBefore(from) ? from : to;
      Run run = new Run(o.getLakehouse(), from, tableTo, stored.map(Instant::toString).orElse(null), days, runId,
          started.toEpochMilli(), state.lastRun(), orderBuckets,
          open.map(w -> "thread " + w.threadId() + " open since " + w.started()).orElse(""));
      p.apply(camel(table), new IngestTable(db, SOURCES.get(table), run));
    }
    return p;
  }

  /** The commit info key of a run's upper bound, where the next run starts. */
  static final String WATERMARK_TO = "watermark_to";

  /**
   * One table's run, as planned.
   *
   * @param continues the watermark the table recorded when the run was planned (null: none yet)
   * @param ingestedAt the database's clock when the run was planned
   * @param heldBackBy the open transaction that kept {@code to} from the clock, or empty
   */
  record Run(String lake, Instant from, Instant to, String continues, BusinessDay days, String runId, long ingestedAt,
      long lastRun, int orderBuckets, String heldBackBy) implements Serializable {}

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

  /**
   * One table's run: its changes in the run's range, as bronze rows (tombstones included), written in one commit
   * that records the range and continues the stored watermark.
   */
  static final class IngestTable extends PTransform<PBegin, PDone> {
    private final SerializableFunction<Void, DataSource> db;
    private final Source source;
    private final Run run;

    IngestTable(SerializableFunction<Void, DataSource> db, Source source, Run run) {
      this.db = db;
      this.source = source;
      this.run = run;
    }

    @Override
    public PDone expand(PBegin begin) {
      Pipeline p = begin.getPipeline();
      Schema schema = AvroSchemas.bronze(source.table());
      LocalDateTime fromUtc = LocalDateTime.ofInstant(run.from(), ZoneOffset.UTC);
      LocalDateTime toUtc = LocalDateTime.ofInstant(run.to(), ZoneOffset.UTC);
      int bounds = source.bounds();
      PCollection<GenericRecord> rows = begin
          .apply("Read", JdbcIO.<GenericRecord>read()
              .withDataSourceProviderFn(db)
              .withQuery(source.select())
              .withStatementPreparator(ps -> {
                for (int i = 1; i < bounds; i += 2) {
                  ps.setObject(i, fromUtc);
                  ps.setObject(i + 1, toUtc);
                }
              })
              .withRowMapper(new ToBronzeRow(schema.toString(), source, run))
              .withCoder(AvroCoder.of(GenericRecord.class, schema))
              .withOutputParallelization(false));
      if (source.reference()) {
        rows = PCollectionList.of(rows).and(tombstones(p, db, source, rows, run))
            .apply("WithTombstones", Flatten.pCollections());
      }
      if (source.table().equals("products")) {
        observe(p, db, source, run);
      }
      Map<String, String> info = new java.util.HashMap<>(Map.of("watermark_from", run.from().toString(), WATERMARK_TO,
          run.to().toString(), "source_table", source.table(), Lakehouse.TIME_ZONE, run.days().zone(), ORDER_BUCKETS,
          String.valueOf(run.orderBuckets())));
      if (!run.heldBackBy().isEmpty()) {
        info.put("held_back_by", run.heldBackBy());
      }
      rows.apply("Write", Lakehouse.bronzeTable(run.lake(), source.table(), run.orderBuckets())
          .withRunId(run.runId())
          .withCommitInfo(info)
          .inSequence(WRITER, run.lastRun())
          .continuing(WATERMARK_TO, run.continues()));
      return PDone.in(p);
    }
  }

  /** The bronze table of observations: which version of each product a run saw still in force. */
  static final String OBSERVATIONS = "observations";

  /**
   * Records, for every product whose current version was written before {@code to}, that this version
   * was still in force at {@code to} (the read happens after it). Silver trusts a price only where bronze
   * saw it in force; without these, a price seen once would be unverifiable for every later sale. Rows
   * changed at or after {@code to} are in flux and left out. A few dozen rows a run.
   */
  private static void observe(Pipeline p, SerializableFunction<Void, DataSource> db, Source source, Run run) {
    String lake = run.lake();
    Instant to = run.to();
    BusinessDay days = run.days();
    String runId = run.runId();
    String path = Lakehouse.bronze(lake, OBSERVATIONS);
    Schema schema = AvroSchemas.bronze(OBSERVATIONS);
    String schemaJson = schema.toString();
    final LocalDateTime toUtc = LocalDateTime.ofInstant(to, ZoneOffset.UTC);
    long seen = to.toEpochMilli();
    int partition = (int) days.dateOf(seen).toEpochDay();
    p.apply("ReadCurrentProducts", JdbcIO.<GenericRecord>read()
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
            .withCommitInfo(Map.of(WATERMARK_TO, to.toString(), "source_table", source.table()))
            .inSequence(WRITER, DeltaTables.lastRun(path, WRITER)));
  }

  /**
   * A tombstone, dated {@code to}, for every key that is live in bronze (its newest version there, or
   * this run's, is not a tombstone) and no longer in MySQL. Reference tables are small: MySQL's keys
   * and bronze's history are read whole.
   */
  private static PCollection<GenericRecord> tombstones(Pipeline p, SerializableFunction<Void, DataSource> db,
      Source source, PCollection<GenericRecord> fresh, Run run) {
    Schema schema = AvroSchemas.bronze(source.table());
    String path = Lakehouse.bronze(run.lake(), source.table());
    Instant to = run.to();
    BusinessDay days = run.days();
    String runId = run.runId();
    long ingestedAt = run.ingestedAt();
    TypeDescriptor<KV<String, Long>> kv = TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs());
    // key -> change time of a live version (>= 0) or of a tombstone (negated, < 0)
    SerializableFunction<GenericRecord, KV<String, Long>> liveness = r -> {
      long at = (Long) r.get("_changed_at");
      return KV.of(String.valueOf(r.get(source.key())), (Boolean) r.get("_deleted") ? -at - 1 : at);
    };
    PCollection<KV<String, Long>> known = fresh.apply("Liveness", MapElements.into(kv).via(liveness));
    if (DeltaTables.latestVersion(path).isPresent()) {
      known = PCollectionList.of(known)
          .and(p.apply("ReadHistory", DeltaRead.latest(path, schema))
              .apply("HistoryLiveness", MapElements.into(kv).via(liveness)))
          .apply("AllVersions", Flatten.pCollections());
    }
    PCollection<KV<String, String>> inMysql = p.apply("ReadKeys", JdbcIO.<KV<String, String>>read()
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
        .apply("JoinKeys", CoGroupByKey.create())
        .apply("Tombstones", ParDo.of(new DoFn<KV<String, CoGbkResult>, GenericRecord>() {
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
            r.put("_ingested_at", ingestedAt);
            r.put("_source_table", source.table());
            r.put("_partition_date", (int) days.dateOf(toMillis).toEpochDay());
            out.output(r);
          }
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, schema));
  }

  /**
   * Maps a JDBC row to a bronze record: source columns as text, as MySQL gives them, plus the ingest metadata. The
   * partition is the order's day for orders and lines, the change's day otherwise; an order or line whose order has
   * no usable time (a zero date, say) is kept, in the day of its change, where silver quarantines it naming the value.
   */
  static class ToBronzeRow implements JdbcIO.RowMapper<GenericRecord> {
    private final String schemaJson;
    private final Source source;
    private final Run run;
    private transient Schema schema;

    ToBronzeRow(String schemaJson, Source source, Run run) {
      this.schemaJson = schemaJson;
      this.source = source;
      this.run = run;
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
      long changed = utcMillis(rs, "_changed_at").orElseThrow(
          () -> new IllegalStateException(source.table() + ": a row without changed_at, which MySQL always sets"));
      r.put("_changed_at", changed);
      r.put("_deleted", rs.getInt("_deleted") == 1);
      r.put("_seen_at", run.to().toEpochMilli());
      r.put("_run_id", run.runId());
      r.put("_ingested_at", run.ingestedAt());
      r.put("_source_table", source.table());
      long day = source.reference() ? changed : utcMillis(rs, "_order_ts").orElse(changed);
      r.put("_partition_date", (int) run.days().dateOf(day).toEpochDay());
      return r;
    }

    /** A DATETIME column as epoch ms (the landing zone stores UTC); empty when null or not a real time (a zero date). */
    private static Optional<Long> utcMillis(ResultSet rs, String column) {
      try {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? Optional.empty() : Optional.of(t.toInstant(ZoneOffset.UTC).toEpochMilli());
      } catch (java.sql.SQLException | java.time.DateTimeException e) {
        return Optional.empty();
      }
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
