package com.coffeeshop.tools;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "lakehouse-checksum",
    aliases = "gold-checksum",
    mixinStandardHelpOptions = true,
    description = {"Print, per table, the row count and a checksum of the sorted rows: silver's tables of one day"
        + " (the reference snapshots, orders, order lines, the quarantine and the data-quality report), the gold"
        + " dimensions whole and the day's facts. Two lakehouses with the same checksums hold the same rows.",
        "What differs from run to run by design is left out: run ids, and the ingest times of a quarantined row's"
        + " bronze original."})
public class GoldChecksumCommand implements Callable<Integer> {
  @Option(names = "--lakehouse", required = true, description = "Lakehouse root, e.g. .local/lakehouse")
  String lakehouse;

  @Option(names = "--date", required = true, description = "The day of silver and of fact_orders, yyyy-MM-dd")
  LocalDate date;

  @Spec CommandSpec spec;

  /** A table, its layer, and whether only the day's partition counts. */
  private record Table(String layer, String name, boolean daily) {}

  private static final List<Table> TABLES = List.of(
      new Table("silver", "product_categories", true), new Table("silver", "products", true),
      new Table("silver", "stores", true), new Table("silver", "payment_methods", true),
      new Table("silver", "customers", true), new Table("silver", "orders", true),
      new Table("silver", "order_lines", true), new Table("silver", "quarantine", true),
      new Table("silver", "dq_report", true),
      new Table("gold", "dim_products", false), new Table("gold", "dim_stores", false),
      new Table("gold", "dim_payment_methods", false), new Table("gold", "fact_orders", true));

  /** A run's own marks: the run id, and a bronze row's ingest lineage inside a quarantined row's original. */
  private static final Set<String> RUN_FIELDS = Set.of("run_id");
  private static final Set<String> ORIGINAL_RUN_FIELDS = Set.of("_run_id", "_ingested_at", "_seen_at");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    for (Table table : TABLES) {
      Schema schema = table.layer().equals("silver") ? AvroSchemas.silver(table.name()) : AvroSchemas.gold(table.name());
      String path = table.layer().equals("silver") ? Lakehouse.silver(lakehouse, table.name())
          : Lakehouse.gold(lakehouse, table.name());
      List<String> rowDigests = new ArrayList<>();
      MessageDigest row = MessageDigest.getInstance("SHA-256");
      DeltaTables.forEach(path, schema, table.daily() ? date.toString() : null,
          r -> rowDigests.add(HexFormat.of().formatHex(row.digest(stable(r).getBytes(StandardCharsets.UTF_8)))));
      rowDigests.sort(null);
      MessageDigest all = MessageDigest.getInstance("SHA-256");
      rowDigests.forEach(d -> all.update(d.getBytes(StandardCharsets.US_ASCII)));
      out.printf("%-20s %9d rows  sha256 %s%n", table.name(), rowDigests.size(), HexFormat.of().formatHex(all.digest()));
    }
    return 0;
  }

  /** The row as text without what differs from run to run; a row without such fields is its own text. */
  static String stable(GenericRecord r) {
    if (r.getSchema().getFields().stream().noneMatch(f -> RUN_FIELDS.contains(f.name()))) {
      return r.toString();
    }
    GenericRecord copy = new GenericData.Record(r.getSchema());
    for (Schema.Field f : r.getSchema().getFields()) {
      copy.put(f.pos(), RUN_FIELDS.contains(f.name()) ? null : r.get(f.pos()));
    }
    if (copy.getSchema().getField("original") != null && copy.get("original") != null) {
      copy.put("original", withoutRunFields(copy.get("original").toString()));
    }
    return copy.toString();
  }

  private static String withoutRunFields(String original) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(original);
      node.remove(ORIGINAL_RUN_FIELDS);
      return node.toString();
    } catch (Exception notAnObject) {
      return original;
    }
  }
}
