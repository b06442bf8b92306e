package com.coffeeshop.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Whether a daily step also rebuilds the days already built whose input changed since (late rows). */
public interface RestateOptions extends DayOptions {
  @Description("After --date, also rebuild every day already built whose input received rows after its build"
      + " (late orders and lines; see Restatement): silver gates those days too, facts skip a day that fails its gate")
  @Default.Boolean(true)
  boolean getRestateLateDays();

  void setRestateLateDays(boolean value);
}
