package com.coffeeshop.tools;

import com.coffeeshop.tools.orders.BenchGeneratorCommand;
import com.coffeeshop.tools.orders.BenchLatencyCommand;
import com.coffeeshop.tools.orders.GenerateOrdersCommand;
import com.coffeeshop.tools.orders.LiveCommand;
import com.coffeeshop.tools.reports.KpiReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** One entry point for the tools: {@code coffee <command> --help} tells each command's options. */
@Command(
    name = "coffee",
    mixinStandardHelpOptions = true,
    description = "Tools of the coffee-shop data platform.",
    subcommands = {
      DbInitCommand.class,
      LoadReferenceCommand.class,
      GenerateOrdersCommand.class,
      BenchGeneratorCommand.class,
      BenchLatencyCommand.class,
      LakehouseSummaryCommand.class,
      GoldChecksumCommand.class,
      ReconcileCommand.class,
      KpiReportCommand.class,
      LiveCommand.class,
      WarmCacheCommand.class,
      VacuumCommand.class,
      CommandLine.HelpCommand.class
    })
public class CoffeeCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests execute it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new CoffeeCli())
        .setExecutionExceptionHandler(
            (ex, cmd, parseResult) -> {
              // Configuration and input errors already say what to change: no stack trace.
              if (ex instanceof IllegalArgumentException || ex instanceof java.sql.SQLException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
              }
              throw ex;
            });
  }
}
