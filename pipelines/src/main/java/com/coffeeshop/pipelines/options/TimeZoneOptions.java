package com.coffeeshop.pipelines.options;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The reporting time zone: what a day is for every step of the lakehouse. */
public interface TimeZoneOptions extends PipelineOptions {
  @Description("The chain's reporting time zone (order_date, daily partitions, KPI hours), the same for every"
      + " step of a lakehouse; default Asia/Ho_Chi_Minh")
  @Default.String(BusinessDay.DEFAULT_ZONE)
  String getTimeZone();

  void setTimeZone(String value);

  /** The option, checked. */
  static BusinessDay businessDay(TimeZoneOptions o) {
    return new BusinessDay(o.getTimeZone());
  }
}
