package com.coffeeshop.tools;

import com.coffeeshop.transforms.delta.DeltaTables;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "vacuum",
    mixinStandardHelpOptions = true,
    description = "Delete the parquet files of a Delta table that no snapshot within the retention references"
        + " (orphans of runs that died before committing, files replaced by overwrites).")
public class VacuumCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TABLE", description = "Table folder or URI, e.g. .local/lakehouse/bronze/orders")
  List<String> tables;

  @Option(names = "--retain", defaultValue = "168h", converter = DurationConverter.class,
      description = "Keep files younger than this, and versions this recent readable (default: ${DEFAULT-VALUE}).")
  Duration retain;

  @Option(names = "--dry-run", description = "Only list what would be deleted.")
  boolean dryRun;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    for (String table : tables) {
      List<String> files = DeltaTables.vacuum(table, retain, dryRun);
      spec.commandLine().getOut().printf("%s: %s %d file(s)%n", table, dryRun ? "would delete" : "deleted", files.size());
      files.forEach(f -> spec.commandLine().getOut().println("  " + f));
    }
    return 0;
  }
}
