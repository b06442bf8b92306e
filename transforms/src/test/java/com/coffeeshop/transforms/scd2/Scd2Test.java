package com.coffeeshop.transforms.scd2;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import com.coffeeshop.transforms.scd2.Scd2.Version;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SCD2 scenarios of the dimension rule, one named test each. */
class Scd2Test {
  private static final List<String> TRACKED = List.of("product_name", "category", "unit_price");
  private static final LocalDate D1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 2);
  private static final LocalDate D3 = LocalDate.of(2026, 11, 3);

  private static Map<String, String> product(String name, String price, String note) {
    Map<String, String> m = new HashMap<>();
    m.put("product_name", name);
    m.put("category", "Cà phê");
    m.put("unit_price", price);
    m.put("note", note);
    return m;
  }

  private static final Map<String, Map<String, String>> DAY1 = Map.of(
      "CF01", product("Cà phê đen đá", "29000", "a"),
      "CF02", product("Cà phê sữa đá", "35000", "a"));

  private static String show(Version v) {
    return v.surrogateKey() + ":" + v.key() + ":" + v.attributes().get("unit_price") + ":" + v.attributes().get("product_name")
        + ":" + v.attributes().get("note") + ":" + v.startDate() + ".." + v.endDate() + (v.current() ? ":current" : "");
  }

  private static List<String> shown(List<Version> dim) {
    return dim.stream().map(Scd2Test::show).toList();
  }

  private static List<Version> run(List<Version> dim, Map<String, Map<String, String>> source, LocalDate d) {
    return Scd2.apply(dim, source, TRACKED, d, true);
  }

  private static Map<String, Map<String, String>> change(String key, Map<String, String> row) {
    Map<String, Map<String, String>> m = new HashMap<>(DAY1);
    m.put(key, row);
    return m;
  }

  @Test
  void firstLoadOpensOneCurrentVersionPerKey() {
    assertThat(shown(run(List.of(), DAY1, D1)), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..null:current"));
  }

  @Test
  void unchangedSourceChangesNothing() {
    List<Version> first = run(List.of(), DAY1, D1);
    assertThat(shown(run(first, DAY1, D2)), is(shown(first)));
  }

  @Test
  void closesPreviousVersionWhenUnitPriceChanges() {
    List<Version> first = run(List.of(), DAY1, D1);
    assertThat(shown(run(first, change("CF02", product("Cà phê sữa đá", "37000", "a")), D2)), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..2026-11-02",
        "3:CF02:37000:Cà phê sữa đá:a:2026-11-02..null:current"));
  }

  @Test
  void opensANewVersionOnRename() {
    List<Version> first = run(List.of(), DAY1, D1);
    List<Version> renamed = run(first, change("CF01", product("Cà phê đen", "29000", "a")), D2);
    assertThat(shown(renamed), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..2026-11-02",
        "3:CF01:29000:Cà phê đen:a:2026-11-02..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..null:current"));
  }

  @Test
  void updatesInPlaceWhenOnlyAnUntrackedColumnChanges() {
    List<Version> first = run(List.of(), DAY1, D1);
    assertThat(shown(run(first, change("CF01", product("Cà phê đen đá", "29000", "b")), D2)), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:b:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..null:current"));
  }

  @Test
  void closesAKeyMissingFromTheSourceUnlessToldNotTo() {
    List<Version> first = run(List.of(), DAY1, D1);
    Map<String, Map<String, String>> without = Map.of("CF01", DAY1.get("CF01"));
    assertThat(shown(run(first, without, D2)), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..2026-11-02"));
    assertThat(shown(Scd2.apply(first, without, TRACKED, D2, false)), is(shown(first)));
  }

  @Test
  void aKeyThatComesBackGetsANewVersionAndKey() {
    List<Version> first = run(List.of(), DAY1, D1);
    List<Version> deleted = run(first, Map.of("CF01", DAY1.get("CF01")), D2);
    assertThat(shown(run(deleted, DAY1, D3)), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..2026-11-02",
        "3:CF02:35000:Cà phê sữa đá:a:2026-11-03..null:current"));
  }

  @Test
  void twoRunsTheSameDayKeepOneVersionForThatDay() {
    List<Version> first = run(List.of(), DAY1, D1);
    List<Version> morning = run(first, change("CF02", product("Cà phê sữa đá", "37000", "a")), D2);
    List<Version> evening = run(morning, change("CF02", product("Cà phê sữa đá", "38000", "a")), D2);
    assertThat(shown(evening), containsInAnyOrder(
        "1:CF01:29000:Cà phê đen đá:a:2026-11-01..null:current",
        "2:CF02:35000:Cà phê sữa đá:a:2026-11-01..2026-11-02",
        "3:CF02:38000:Cà phê sữa đá:a:2026-11-02..null:current"));
  }

  @Test
  void reRunningTheSameDayIsIdempotent() {
    List<Version> first = run(List.of(), DAY1, D1);
    Map<String, Map<String, String>> day2 = change("CF02", product("Cà phê sữa đá", "37000", "a"));
    List<Version> once = run(first, day2, D2);
    assertThat(shown(run(once, day2, D2)), containsInAnyOrder(shown(once).toArray()));
  }

  @Test
  void surrogateKeysAreUniqueAndNeverReusedAcrossRuns() {
    List<Version> dim = run(List.of(), DAY1, D1);
    for (int day = 2; day <= 20; day++) {
      String price = String.valueOf(35000 + day * 100);
      Map<String, Map<String, String>> src = day % 3 == 0 ? Map.of("CF01", DAY1.get("CF01"))
          : change("CF02", product("Cà phê sữa đá", price, "a"));
      dim = run(dim, src, LocalDate.of(2026, 11, day));
    }
    List<Integer> keys = dim.stream().map(Version::surrogateKey).toList();
    assertThat(new HashSet<>(keys).size(), is(keys.size()));
    assertThat(dim.stream().filter(Version::current).map(Version::key).distinct().count(),
        is(dim.stream().filter(Version::current).count()));
  }
}
