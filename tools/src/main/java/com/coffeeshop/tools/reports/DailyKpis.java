package com.coffeeshop.tools.reports;

import com.coffeeshop.pipelines.lakehouse.BusinessDay;
import com.coffeeshop.pipelines.lakehouse.Lakehouse;
import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.delta.DeltaTables;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * The day's KPIs, from the gold star schema only: {@code fact_orders} of the day, each line joined by
 * surrogate key to the dimension version it was loaded with (so a store that moved city later still
 * counts where it was that day). Hours are UTC, like every time in the system.
 *
 * @param revenueByCity VND per city, highest first
 * @param revenueByStore VND per store ("name, city"), highest first
 * @param timeZone the lakehouse's reporting time zone (what bronze was partitioned by)
 * @param ordersByHour orders per hour of that zone, 0..23
 * @param unitsByProduct units sold per product name, highest first
 * @param revenueByCategory VND per category, highest first
 */
public record DailyKpis(
    LocalDate date,
    String timeZone,
    long orders,
    long lines,
    long revenue,
    long suggestedLines,
    long suggestedRevenue,
    Map<String, Long> revenueByCity,
    Map<String, Long> revenueByStore,
    long[] ordersByHour,
    Map<String, Long> unitsByProduct,
    Map<String, Long> revenueByCategory) {

  /** Reads the day's facts and the dimensions of {@code lakehouse}; fails naming the step to run when gold is missing. */
  public static DailyKpis compute(String lakehouse, LocalDate date) throws IOException {
    String facts = Lakehouse.gold(lakehouse, "fact_orders");
    Lakehouse.requireDay(facts, date, "GoldFacts");
    BusinessDay days = new BusinessDay(Lakehouse.zoneOf(lakehouse).orElse(BusinessDay.DEFAULT_ZONE));
    Map<Integer, GenericRecord> stores = byKey(lakehouse, "dim_stores", "store_key");
    Map<Integer, GenericRecord> products = byKey(lakehouse, "dim_products", "product_key");
    Set<String> orderIds = new HashSet<>();
    long[] byHour = new long[24];
    long[] totals = new long[4]; // lines, revenue, suggested lines, suggested revenue
    Map<String, Long> city = new HashMap<>();
    Map<String, Long> store = new HashMap<>();
    Map<String, Long> units = new HashMap<>();
    Map<String, Long> category = new HashMap<>();
    DeltaTables.forEach(facts, AvroSchemas.gold("fact_orders"), date.toString(), f -> {
      String orderId = f.get("order_id").toString();
      long subtotal = (Integer) f.get("subtotal");
      GenericRecord s = dimension(stores, "dim_stores", (Integer) f.get("store_key"));
      GenericRecord p = dimension(products, "dim_products", (Integer) f.get("product_key"));
      totals[0]++;
      totals[1] += subtotal;
      if ((Boolean) f.get("is_suggestion")) {
        totals[2]++;
        totals[3] += subtotal;
      }
      if (orderIds.add(orderId)) {
        byHour[days.hourOf((Long) f.get("order_ts"))]++;
      }
      city.merge(s.get("city").toString(), subtotal, Long::sum);
      store.merge(s.get("store_name") + ", " + s.get("city"), subtotal, Long::sum);
      units.merge(p.get("product_name").toString(), (long) (Integer) f.get("quantity"), Long::sum);
      category.merge(p.get("category").toString(), subtotal, Long::sum);
    });
    return new DailyKpis(date, days.zone(), orderIds.size(), totals[0], totals[1], totals[2], totals[3], highestFirst(city),
        highestFirst(store), byHour, highestFirst(units), highestFirst(category));
  }

  /** Revenue per order, VND. */
  public double averageOrderValue() {
    return orders == 0 ? 0 : (double) revenue / orders;
  }

  /** The first {@code n} entries of a highest-first map. */
  public static Map<String, Long> top(Map<String, Long> highestFirst, int n) {
    Map<String, Long> top = new LinkedHashMap<>();
    highestFirst.entrySet().stream().limit(n).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  private static Map<Integer, GenericRecord> byKey(String lakehouse, String table, String key) throws IOException {
    List<GenericRecord> rows = DeltaTables.readSmall(Lakehouse.gold(lakehouse, table), AvroSchemas.gold(table), null);
    Map<Integer, GenericRecord> byKey = new HashMap<>();
    rows.forEach(r -> byKey.put((Integer) r.get(key), r));
    return byKey;
  }

  private static GenericRecord dimension(Map<Integer, GenericRecord> rows, String table, int key) {
    GenericRecord r = rows.get(key);
    if (r == null) {
      throw new IllegalStateException("fact_orders points to " + table + " key " + key + ", which is not in " + table
          + ": the gold tables are inconsistent; re-run GoldDimensions and GoldFacts for the day");
    }
    return r;
  }

  private static Map<String, Long> highestFirst(Map<String, Long> values) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    values.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
