package com.coffeeshop.tools;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "load-reference",
    mixinStandardHelpOptions = true,
    description = {
      "Load the reference CSVs (product_category, product, store, payment_method, customers) into the"
          + " landing zone: all files validated first, then one transaction; upsert by id.",
      "Runs as the schema owner (the admin account) by default."
    })
public class LoadReferenceCommand implements Callable<Integer> {
  @Mixin DbConnectionOptions db;

  @Option(
      names = "--dir",
      description = "Folder with the CSV files (default: the samples shipped in schemas/).")
  Path dir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    db.withDefaults(
        System.getenv().getOrDefault("COFFEE_DB_ADMIN_USER", "root"), "COFFEE_DB_ADMIN_PASSWORD");
    ReferenceDataLoader.Source source =
        dir == null ? ReferenceDataLoader.bundledSamples() : ReferenceDataLoader.directory(dir);
    try (Connection c = db.connect()) {
      List<ReferenceDataLoader.TableResult> results = new ReferenceDataLoader().load(c, source);
      for (ReferenceDataLoader.TableResult r : results) {
        spec.commandLine().getOut().printf(
            "%-17s %6d rows: %d inserted, %d updated, %d unchanged%n",
            r.table(), r.rows(), r.inserted(), r.updated(), r.unchanged());
      }
    } catch (ReferenceDataException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    return 0;
  }
}
