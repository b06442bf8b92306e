package com.coffeeshop.tools.reports;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Writes a day's {@link DailyKpis} as {@code kpi-<date>.html} with its charts as PNG files beside it
 * ({@code kpi-<date>-<chart>.png}, drawn with JFreeChart), and prints the headline figures.
 */
public final class KpiReport {
  private static final Color BAR = new Color(0x6F, 0x4E, 0x37); // coffee
  private static final int WIDTH = 760;

  private KpiReport() {}

  /** Writes the page and its charts into {@code dir}; returns the page's path. */
  public static Path write(DailyKpis k, Path dir, int top) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    String prefix = "kpi-" + k.date();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Coffee shop KPIs ")
        .append(k.date()).append("</title>\n<style>body{font-family:sans-serif;max-width:820px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{padding:2px 10px;border-bottom:1px solid #ddd}"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}</style></head><body>\n")
        .append("<h1>Coffee shop KPIs, ").append(k.date()).append(" (UTC)</h1>\n")
        .append("<p>From the gold star schema (<code>fact_orders</code> joined to the dimension versions of the day).</p>\n");
    html.append("<table id=\"headline\">\n");
    row(html, "orders", k.orders());
    row(html, "order lines", k.lines());
    row(html, "revenue (VND)", k.revenue());
    row(html, "average order (VND)", Math.round(k.averageOrderValue()));
    row(html, "suggestions accepted", k.suggestedLines());
    row(html, "revenue added by suggestions (VND)", k.suggestedRevenue());
    html.append("</table>\n");

    section(html, dir, prefix, "revenue_by_city", "Revenue per city (VND)", "city", k.revenueByCity(), Integer.MAX_VALUE);
    section(html, dir, prefix, "revenue_by_store", "Top " + top + " stores by revenue (VND)", "store", k.revenueByStore(), top);
    Map<String, Long> hours = new java.util.LinkedHashMap<>();
    for (int h = 0; h < 24; h++) {
      hours.put(String.format("%02d", h), k.ordersByHour()[h]);
    }
    section(html, dir, prefix, "orders_by_hour", "Orders per hour (" + k.timeZone() + ")", "hour", hours, 24);
    section(html, dir, prefix, "units_by_product", "Top " + top + " products by units sold", "product", k.unitsByProduct(), top);
    section(html, dir, prefix, "revenue_by_category", "Revenue per category (VND)", "category", k.revenueByCategory(),
        Integer.MAX_VALUE);
    html.append("</body></html>\n");
    Path page = dir.resolve(prefix + ".html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    return page;
  }

  /** The headline figures and the top three of each ranking, for the console. */
  public static void print(DailyKpis k, PrintWriter out) {
    out.printf("KPIs %s: %,d orders, %,d lines, revenue %,d VND (%,.0f per order), %,d suggestions adding %,d VND%n",
        k.date(), k.orders(), k.lines(), k.revenue(), k.averageOrderValue(), k.suggestedLines(), k.suggestedRevenue());
    out.printf("  top cities     %s%n", ranked(k.revenueByCity(), " VND"));
    out.printf("  top stores     %s%n", ranked(k.revenueByStore(), " VND"));
    out.printf("  top products   %s%n", ranked(k.unitsByProduct(), " units"));
    out.printf("  top categories %s%n", ranked(k.revenueByCategory(), " VND"));
    out.flush();
  }

  private static String ranked(Map<String, Long> highestFirst, String unit) {
    return DailyKpis.top(highestFirst, 3).entrySet().stream()
        .map(e -> String.format("%s %,d%s", e.getKey(), e.getValue(), unit))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  private static void row(StringBuilder html, String label, long value) {
    html.append("<tr><th>").append(escapeHtml4(label)).append("</th><td class=\"n\">")
        .append(String.format("%,d", value)).append("</td></tr>\n");
  }

  /** A heading, a bar chart (PNG) and the same figures as a table, with an id per section for readers and tests. */
  private static void section(StringBuilder html, Path dir, String prefix, String id, String title, String label,
      Map<String, Long> values, int limit) throws IOException {
    Map<String, Long> shown = DailyKpis.top(values, limit);
    String png = prefix + "-" + id + ".png";
    chart(title, label, shown, dir.resolve(png));
    html.append("<h2>").append(escapeHtml4(title)).append("</h2>\n<img src=\"").append(png).append("\" alt=\"")
        .append(escapeHtml4(title)).append("\">\n<table id=\"").append(id).append("\">\n");
    shown.forEach((k, v) -> html.append("<tr><td>").append(escapeHtml4(k)).append("</td><td class=\"n\">")
        .append(String.format("%,d", v)).append("</td></tr>\n"));
    html.append("</table>\n");
  }

  private static void chart(String title, String label, Map<String, Long> values, Path file) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((k, v) -> data.addValue(v, title, k));
    boolean ranking = !"hour".equals(label);
    JFreeChart chart = ChartFactory.createBarChart(title, label, null, data,
        ranking ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL, false, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(new Color(0xFA, 0xF7, 0xF2));
    ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(new DecimalFormat("#,##0"));
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.45f);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setSeriesPaint(0, BAR);
    int height = ranking ? 120 + 28 * Math.max(1, values.size()) : 360;
    try {
      ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
    } catch (RuntimeException | LinkageError | InternalError e) { // Java2D without fontconfig or any font
      throw new IllegalStateException("could not draw " + file.getFileName() + " (" + e + "): Java2D needs fontconfig"
          + " and a font; on Debian: apt-get install fontconfig fonts-dejavu-core", e);
    }
  }
}
