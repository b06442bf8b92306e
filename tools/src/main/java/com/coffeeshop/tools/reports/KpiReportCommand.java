package com.coffeeshop.tools.reports;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "kpi-report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the day's KPI report from the gold tables: revenue per city and per store, orders per hour,"
          + " best-selling products and categories, suggestions and the revenue they added.",
      "An HTML page with PNG charts beside it; prints the headline figures and the page's path."
    })
public class KpiReportCommand implements Callable<Integer> {
  @Option(names = "--lakehouse", required = true, description = "Lakehouse root, e.g. .local/lakehouse")
  String lakehouse;

  @Option(names = "--date", required = true, description = "The day, yyyy-MM-dd, in the lakehouse's reporting time zone")
  LocalDate date;

  @Option(names = "--out", description = "Directory of the report (default: reports/ beside the lakehouse)")
  Path out;

  @Option(names = "--top", defaultValue = "10", description = "Stores and products shown (default: ${DEFAULT-VALUE})")
  int top;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, not " + top);
    }
    PrintWriter console = spec.commandLine().getOut();
    Path dir = out != null ? out : Path.of(lakehouse).toAbsolutePath().resolveSibling("reports");
    DailyKpis kpis = DailyKpis.compute(lakehouse, date);
    KpiReport.print(kpis, console);
    Path page = KpiReport.write(kpis, dir, top);
    console.printf("KPI report: %s%n", page.toAbsolutePath());
    console.flush();
    return 0;
  }
}
