package com.coffeeshop.tools;

import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.pipelines.lakehouse.DataQualityGate;
import com.coffeeshop.tools.reports.DailyKpis;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "lakehouse-summary",
    mixinStandardHelpOptions = true,
    description = "Print a day of the lakehouse: the silver data-quality report and the gold tables' rows.")
public class LakehouseSummaryCommand implements Callable<Integer> {
  @Option(names = "--lakehouse", required = true, description = "Lakehouse root, e.g. .local/lakehouse")
  String lakehouse;

  @Option(names = "--date", required = true, description = "The day, yyyy-MM-dd")
  LocalDate date;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("silver data quality %s%n", date);
    DataQualityGate.print(DataQualityGate.report(lakehouse, date), out);
    out.printf("gold%n");
    for (String dim : List.of("dim_products", "dim_stores", "dim_payment_methods")) {
      List<GenericRecord> rows = DeltaTables.readSmall(Lakehouse.gold(lakehouse, dim), AvroSchemas.gold(dim), null);
      out.printf("  %-20s %6d versions, %6d current%n", dim, rows.size(),
          rows.stream().filter(r -> (Boolean) r.get("is_current")).count());
    }
    if (!DeltaTables.partitionValues(Lakehouse.gold(lakehouse, "fact_orders")).contains(date.toString())) {
      out.printf("  %-20s nothing on %s: run GoldFacts --date=%s%n", "fact_orders", date, date);
    } else {
      DailyKpis k = DailyKpis.compute(lakehouse, date);
      out.printf("  %-20s %6d lines on %s, %d orders, revenue %,d VND, %d suggested lines (%,d VND)%n", "fact_orders",
          k.lines(), date, k.orders(), k.revenue(), k.suggestedLines(), k.suggestedRevenue());
    }
    return 0;
  }
}
