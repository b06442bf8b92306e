package com.coffeeshop.pipelines.options;

import java.util.UUID;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Where the lakehouse is, and the id a run records on its rows and commits. */
public interface LakehouseOptions extends PipelineOptions {
  @Description("Root of the lakehouse (a folder or a Hadoop URI): <lakehouse>/{bronze,silver,gold}/<table>")
  @Validation.Required
  String getLakehouse();

  void setLakehouse(String value);

  @Description("Run id recorded on rows and commits; default: a random UUID")
  String getRunId();

  void setRunId(String value);

  /** The run id, fixed on first use so every table of the run records the same one. */
  static String runId(LakehouseOptions o) {
    if (o.getRunId() == null) {
      o.setRunId(UUID.randomUUID().toString());
    }
    return o.getRunId();
  }
}
