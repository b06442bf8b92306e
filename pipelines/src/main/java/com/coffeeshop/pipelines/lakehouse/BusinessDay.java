package com.coffeeshop.pipelines.lakehouse;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What a day is for the chain: a calendar day in its reporting time zone. Bronze partitions orders
 * by it, silver and gold build it, the KPI report counts its hours; every step of a lakehouse uses
 * the same zone (bronze records it and the later steps check it).
 */
public record BusinessDay(String zone) implements Serializable {
  /** The chain is in Vietnam. */
  public static final String DEFAULT_ZONE = "Asia/Ho_Chi_Minh";

  public BusinessDay {
    try {
      ZoneId.of(zone);
    } catch (DateTimeException | NullPointerException e) {
      throw new IllegalArgumentException("--timeZone must be a time zone id such as Asia/Ho_Chi_Minh or UTC, got '"
          + zone + "'");
    }
  }

  public static final BusinessDay UTC = new BusinessDay("UTC");

  public ZoneId zoneId() {
    return ZoneId.of(zone);
  }

  /** The instant (epoch ms) the day starts. */
  public long start(LocalDate day) {
    return day.atStartOfDay(zoneId()).toInstant().toEpochMilli();
  }

  /** The instant (epoch ms) the day ends: the next day's start. */
  public long end(LocalDate day) {
    return start(day.plusDays(1));
  }

  /** The day an instant (epoch ms) falls on. */
  public LocalDate dateOf(long epochMillis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zoneId());
  }

  /** The hour of the day (0..23) an instant falls in. */
  public int hourOf(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(zoneId()).getHour();
  }
}
