package com.coffeeshop.systemtests.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator against the real MariaDB: consistent rows, determinism, eligible share, atomic orders. */
class OrderGeneratorTest {
  private static final String ORDER_FINGERPRINT =
      "SELECT o.id, o.store_id, o.payment_method_id, o.customer_id,"
          + " GROUP_CONCAT(CONCAT(d.product_id, 'x', d.quantity, '=', d.subtotal) ORDER BY d.product_id)"
          + " FROM orders o JOIN order_details d ON d.order_id = o.id GROUP BY o.id ORDER BY o.id";
  private static final String ELIGIBLE_ORDERS =
      "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
          + " JOIN payment_methods p ON p.id = o.payment_method_id"
          + " WHERE c.tier = 'diamond' AND p.method_name = 'Bank Transfer' AND p.bank = 'ACB'";

  private static LandingZoneDatabase db;
  private static String output;

  @BeforeAll
  static void generate400SeededOrders() throws Exception {
    db = LandingZoneDatabase.createWithReferenceData();
    db.cli("db-init", "--app-user", "coffee_app", "--batch-user", "coffee_batch", "--cdc-user", "coffee_cdc");
    output = db.cli("generate-orders", "--orders", "400", "--rate", "0", "--seed", "42",
        "--eligible-share", "0.25", "--threads", "2");
  }

  @AfterAll
  static void drop() throws Exception {
    db.close();
  }

  @Test
  void writesTheRequestedNumberOfOrdersEachWithOneToThreeLines() throws Exception {
    assertThat(db.scalar("SELECT COUNT(*) FROM orders"), is(400L));
    assertThat(db.scalar("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS"
        + " (SELECT 1 FROM order_details d WHERE d.order_id = o.id)"), is(0L));
    assertThat(db.scalar("SELECT MAX(n) FROM (SELECT COUNT(*) n FROM order_details GROUP BY order_id) t"),
        lessThanOrEqualTo(3L));
    assertThat("most orders have one line",
        db.scalar("SELECT SUM(n = 1) FROM (SELECT COUNT(*) n FROM order_details GROUP BY order_id) t"),
        greaterThan(200L));
    assertThat(output, containsString("done: 400 orders"));
  }

  @Test
  void subtotalIsUnitPriceTimesQuantityWithNoDiscount() throws Exception {
    assertThat(db.scalar("SELECT COUNT(*) FROM order_details d JOIN products p ON p.id = d.product_id"
        + " WHERE d.subtotal <> p.unit_price * d.quantity OR d.discount_percent <> 0 OR d.is_suggestion <> 0"),
        is(0L));
    assertThat(db.scalar("SELECT MIN(quantity) FROM order_details"), is(1L));
  }

  @Test
  void referencesOnlyLoadedReferenceData() throws Exception {
    assertThat(db.scalar("SELECT COUNT(*) FROM orders o LEFT JOIN stores s ON s.id = o.store_id"
        + " LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN payment_methods p ON p.id = o.payment_method_id"
        + " WHERE s.id IS NULL OR c.id IS NULL OR p.id IS NULL"), is(0L));
    assertThat("orders spread over many stores", db.scalar("SELECT COUNT(DISTINCT store_id) FROM orders"),
        greaterThan(50L));
    assertThat(db.scalar("SELECT COUNT(*) FROM orders WHERE id NOT REGEXP"
        + " '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'"), is(0L));
  }

  @Test
  void neighbouringOrdersAreUnrelated() throws Exception {
    // 400 random UUIDs cover ~200 of the 256 two-hex-digit prefixes; correlated seeds cover a handful.
    assertThat(db.scalar("SELECT COUNT(DISTINCT LEFT(id, 2)) FROM orders"), greaterThan(150L));
    assertThat(db.scalar("SELECT COUNT(DISTINCT customer_id) FROM orders"), greaterThan(300L));
  }

  @Test
  void eligibleShareYieldsThatShareAndTheReportedCount() throws Exception {
    long eligible = db.scalar(ELIGIBLE_ORDERS);
    // Binomial(400, 0.25): mean 100, sd 8.7; the bounds are ~4.5 sd wide.
    assertThat(eligible, allOf(greaterThanOrEqualTo(62L), lessThanOrEqualTo(138L)));
    assertThat(output, containsString(eligible + " eligible"));
  }

  @Test
  void withoutEligibleShareEligibleOrdersAreRare() throws Exception {
    try (LandingZoneDatabase natural = LandingZoneDatabase.createWithReferenceData()) {
      natural.cli("generate-orders", "--orders", "300", "--rate", "0", "--seed", "5",
          "--db-user", adminUser(), "--db-password-env", "COFFEE_DB_ADMIN_PASSWORD");
      // Natural mix: ~2 % diamond x ~2.8 % ACB transfer = 0.06 % of orders.
      assertThat(natural.scalar(ELIGIBLE_ORDERS), lessThan(5L));
    }
  }

  @Test
  void theSameSeedGivesTheSameOrders() throws Exception {
    try (LandingZoneDatabase again = LandingZoneDatabase.createWithReferenceData()) {
      // One thread instead of two: order n depends on (seed, n) only.
      again.cli("generate-orders", "--orders", "400", "--rate", "0", "--seed", "42",
          "--eligible-share", "0.25", "--threads", "1",
          "--db-user", adminUser(), "--db-password-env", "COFFEE_DB_ADMIN_PASSWORD");
      assertThat(again.rows(ORDER_FINGERPRINT), is(db.rows(ORDER_FINGERPRINT)));
    }
    try (LandingZoneDatabase other = LandingZoneDatabase.createWithReferenceData()) {
      other.cli("generate-orders", "--orders", "50", "--rate", "0", "--seed", "43",
          "--db-user", adminUser(), "--db-password-env", "COFFEE_DB_ADMIN_PASSWORD");
      assertThat(other.rows(ORDER_FINGERPRINT), not(is(db.rows(ORDER_FINGERPRINT).subList(0, 50))));
    }
  }

  @Test
  void noReaderEverSeesAnOrderWithoutItsLines() throws Exception {
    try (LandingZoneDatabase live = LandingZoneDatabase.createWithReferenceData()) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong checks = new AtomicLong();
      AtomicLong orphans = new AtomicLong();
      Thread reader = new Thread(() -> {
        try (Connection c = live.admin(); Statement s = c.createStatement()) {
          while (!done.get()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS"
                + " (SELECT 1 FROM order_details d WHERE d.order_id = o.id)")) {
              rs.next();
              orphans.addAndGet(rs.getLong(1));
              checks.incrementAndGet();
            }
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      reader.start();
      live.cli("generate-orders", "--orders", "1500", "--rate", "0", "--seed", "9", "--threads", "2",
          "--db-user", adminUser(), "--db-password-env", "COFFEE_DB_ADMIN_PASSWORD");
      done.set(true);
      reader.join();
      assertThat("the reader ran while orders were written", checks.get(), greaterThan(10L));
      assertThat(orphans.get(), is(0L));
      assertThat(live.scalar("SELECT COUNT(*) FROM orders"), is(1500L));
    }
  }

  @Test
  void refusesAnEligibleShareOutsideZeroToOne() throws Exception {
    LandingZoneDatabase.CliRun run = db.tryCli("generate-orders", "--orders", "1", "--eligible-share", "1.5");
    assertThat(run.exitCode(), is(2));
    assertThat(run.err(), containsString("--eligible-share must be between 0 and 1"));
  }

  @Test
  void namesTheMissingReferenceData() throws Exception {
    try (LandingZoneDatabase empty = LandingZoneDatabase.createEmpty()) {
      LandingZoneDatabase.CliRun run = empty.tryCli("generate-orders", "--orders", "1",
          "--db-user", adminUser(), "--db-password-env", "COFFEE_DB_ADMIN_PASSWORD");
      assertThat(run.exitCode(), is(2));
      assertThat(run.err(), containsString("Run `coffee load-reference` first"));
    }
  }

  private static String adminUser() {
    String u = System.getenv("COFFEE_DB_ADMIN_USER");
    return u == null ? "coffee_admin" : u;
  }
}
