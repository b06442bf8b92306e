/**
 * The day's KPI report from the gold tables ({@code kpi-report}): the figures ({@link
 * com.coffeeshop.tools.reports.DailyKpis}) and the HTML page with its PNG charts (JFreeChart).
 */
package com.coffeeshop.tools.reports;
