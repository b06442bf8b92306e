package com.coffeeshop.pipelines.options;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.apache.beam.sdk.options.Description;

/** The day a daily step builds. */
public interface DayOptions extends TimeZoneOptions {
  @Description("The day to build, yyyy-MM-dd, in --timeZone; Airflow passes the logical date. Default: yesterday there")
  String getDate();

  void setDate(String value);

  /**
   * The day to build, checked; a missing {@code --date} is fixed to yesterday on first use, so every
   * later read of the options (a gate after the run, say) sees the same day even across midnight.
   */
  static LocalDate day(DayOptions o) {
    if (o.getDate() == null) {
      o.setDate(LocalDate.now(TimeZoneOptions.businessDay(o).zoneId()).minusDays(1).toString());
    }
    try {
      return LocalDate.parse(o.getDate());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--date must be a day as yyyy-MM-dd, such as 2026-11-25, got '" + o.getDate() + "'");
    }
  }
}
