package com.coffeeshop.tools;

import com.coffeeshop.pipelines.medallion.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "gold-checksum",
    mixinStandardHelpOptions = true,
    description = "Print each gold table's row count and a checksum of its sorted rows (the dimensions whole, the"
        + " facts of one day): two lakehouses with the same checksums hold the same gold rows.")
public class GoldChecksumCommand implements Callable<Integer> {
  @Option(names = "--lakehouse", required = true, description = "Lakehouse root, e.g. .local/lakehouse")
  String lakehouse;

  @Option(names = "--date", required = true, description = "The day of fact_orders, yyyy-MM-dd")
  LocalDate date;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    for (String table : List.of("dim_products", "dim_stores", "dim_payment_methods", "fact_orders")) {
      String partition = table.equals("fact_orders") ? date.toString() : null;
      List<String> rowDigests = new ArrayList<>();
      MessageDigest row = MessageDigest.getInstance("SHA-256");
      DeltaTables.forEach(Lakehouse.gold(lakehouse, table), AvroSchemas.gold(table), partition,
          r -> rowDigests.add(HexFormat.of().formatHex(row.digest(r.toString().getBytes(StandardCharsets.UTF_8)))));
      rowDigests.sort(null);
      MessageDigest all = MessageDigest.getInstance("SHA-256");
      rowDigests.forEach(d -> all.update(d.getBytes(StandardCharsets.US_ASCII)));
      out.printf("%-20s %9d rows  sha256 %s%n", table, rowDigests.size(), HexFormat.of().formatHex(all.digest()));
    }
    return 0;
  }
}
