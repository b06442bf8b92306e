package com.coffeeshop.pipelines.medallion;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Options every daily silver and gold pipeline takes: where the lakehouse is and which day to build. */
public interface MedallionOptions extends PipelineOptions {
  @Description("Root of the lakehouse (a folder or a Hadoop URI): <lakehouse>/{bronze,silver,gold}/<table>")
  @Validation.Required
  String getLakehouse();

  void setLakehouse(String value);

  @Description("The day to build, yyyy-MM-dd (UTC); Airflow passes the logical date. Default: yesterday (UTC)")
  String getDate();

  void setDate(String value);

  @Description("Run id recorded on rows and commits; default: a random UUID")
  String getRunId();

  void setRunId(String value);

  /** The day to build, checked. */
  static LocalDate day(MedallionOptions o) {
    if (o.getDate() == null) {
      return LocalDate.now(ZoneOffset.UTC).minusDays(1);
    }
    try {
      return LocalDate.parse(o.getDate());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--date must be a day as yyyy-MM-dd, such as 2026-11-25, got '" + o.getDate() + "'");
    }
  }

  static String runId(MedallionOptions o) {
    return o.getRunId() == null ? UUID.randomUUID().toString() : o.getRunId();
  }
}
