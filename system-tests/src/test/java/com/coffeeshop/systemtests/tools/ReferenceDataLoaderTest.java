package com.coffeeshop.systemtests.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.coffeeshop.systemtests.testing.LandingZoneDatabase;
import com.coffeeshop.schemas.ReferenceTable;
import com.coffeeshop.schemas.Resources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loader against the real MariaDB: samples, idempotence, change detection and every rejection. */
class ReferenceDataLoaderTest {
  private LandingZoneDatabase db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = LandingZoneDatabase.createEmpty();
    for (ReferenceTable t : ReferenceTable.values()) {
      try (InputStream in = Resources.open(ReferenceTable.SAMPLES + t.fileName())) {
        Files.copy(in, dir.resolve(t.fileName()));
      }
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    db.close();
  }

  @Test
  void loadsTheShippedSamples() throws SQLException {
    String out = db.cli("load-reference");
    assertThat(out, containsString("customers          12000 rows: 12000 inserted"));
    assertThat(db.scalar("SELECT COUNT(*) FROM products"), greaterThanOrEqualTo(20L));
    assertThat(db.scalar("SELECT COUNT(DISTINCT category_id) FROM products"), greaterThanOrEqualTo(5L));
    assertThat(db.scalar("SELECT COUNT(*) FROM stores"), greaterThanOrEqualTo(100L));
    assertThat(db.scalar("SELECT COUNT(DISTINCT city) FROM stores"), greaterThan(3L));
    assertThat(db.scalar("SELECT COUNT(DISTINCT bank) FROM payment_methods WHERE method_name = 'Bank Transfer'"),
        greaterThanOrEqualTo(8L));
    assertThat(db.rows("SELECT bank FROM payment_methods"), hasItem("ACB"));
    assertThat(db.rows("SELECT DISTINCT method_name FROM payment_methods"), hasItem("Cash"));
    assertThat(db.scalar("SELECT COUNT(*) FROM customers"), greaterThanOrEqualTo(10_000L));
    long diamondPerMille = db.scalar("SELECT 1000 * SUM(tier = 'diamond') DIV COUNT(*) FROM customers");
    assertThat(diamondPerMille, greaterThanOrEqualTo(10L));
    assertThat(diamondPerMille, lessThanOrEqualTo(30L));
    assertThat(db.scalar("SELECT COUNT(*) FROM payment_methods WHERE method_name = 'Cash' AND bank IS NULL"), is(1L));
  }

  @Test
  void reloadingTheSameFilesChangesNothing() throws SQLException {
    db.cli("load-reference");
    List<String> before = db.rows("SELECT id, unit_price, updated_at FROM products ORDER BY id");
    String out = db.cli("load-reference");
    assertThat(out, containsString("products              26 rows: 0 inserted, 0 updated, 26 unchanged"));
    assertThat(db.rows("SELECT id, unit_price, updated_at FROM products ORDER BY id"), is(before));
  }

  @Test
  void aChangedRowGetsANewUpdatedAt() throws Exception {
    db.cli("load-reference", "--dir", dir.toString());
    String before = db.rows("SELECT updated_at FROM products WHERE id = 'CF02'").get(0);
    replaceInFile("product.csv", "CF02,Cà phê sữa đá,1,35000", "CF02,Cà phê sữa đá,1,37000");
    String out = db.cli("load-reference", "--dir", dir.toString());
    assertThat(out, containsString("products              26 rows: 0 inserted, 1 updated, 25 unchanged"));
    assertThat(db.scalar("SELECT unit_price FROM products WHERE id = 'CF02'"), is(37000L));
    String after = db.rows("SELECT updated_at FROM products WHERE id = 'CF02'").get(0);
    assertThat("updated_at moved forward: " + before + " -> " + after, after.compareTo(before) > 0, is(true));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "non-numeric price; CF02,Cà phê sữa đá,1,35000; CF02,Cà phê sữa đá,1,abc;"
            + " product.csv line 3, column 'unit_price': 'abc' is not a whole number",
        "zero price; CF02,Cà phê sữa đá,1,35000; CF02,Cà phê sữa đá,1,0;"
            + " product.csv line 3, column 'unit_price': 0 must be greater than 0",
        "unknown category; CF02,Cà phê sữa đá,1,35000; CF02,Cà phê sữa đá,42,35000;"
            + " product.csv line 3, column 'category_id': 42 is not a known product_category id",
        "duplicate id; CF02,Cà phê sữa đá,1,35000; CF01,Cà phê sữa đá,1,35000;"
            + " product.csv line 3, column 'id': duplicate id CF01 (first on line 2)",
        "missing column; id,name,category_id,unit_price,updated_at; id,name,category_id,updated_at;"
            + " product.csv line 1: missing column 'unit_price'",
        "wrong header; id,name,category_id,unit_price,updated_at; id,name,category,unit_price,updated_at;"
            + " product.csv line 1: unexpected column 'category'",
        "empty name; CF02,Cà phê sữa đá,1,35000; CF02,,1,35000;"
            + " product.csv line 3, column 'name': value is empty",
        "bad timestamp; CF02,Cà phê sữa đá,1,35000,2025-01-01 00:00:00; CF02,Cà phê sữa đá,1,35000,yesterday;"
            + " product.csv line 3, column 'updated_at': 'yesterday' is not a timestamp",
      })
  void rejectsBadCsvWithAPreciseMessageAndLoadsNothing(String kind, String from, String to, String message)
      throws Exception {
    replaceInFile("product.csv", from.strip(), to.strip());
    LandingZoneDatabase.CliRun run = db.tryCli("load-reference", "--dir", dir.toString());
    assertThat(run.exitCode(), is(2));
    assertThat(run.err(), containsString(message.strip()));
    assertThat(run.err(), containsString("nothing was loaded"));
    // One transaction: the valid files before and after product.csv were not loaded either.
    assertThat(db.scalar("SELECT COUNT(*) FROM product_category"), is(0L));
    assertThat(db.scalar("SELECT COUNT(*) FROM products"), is(0L));
    assertThat(db.scalar("SELECT COUNT(*) FROM customers"), is(0L));
  }

  @Test
  void rejectsAnUnknownTierAndLeavesLoadedTablesUnchanged() throws Exception {
    db.cli("load-reference", "--dir", dir.toString());
    List<String> before = db.rows("SELECT id, tier, updated_at FROM customers ORDER BY id");
    String line2 = Files.readAllLines(dir.resolve("customers.csv")).get(1);
    replaceInFile("customers.csv", line2, line2.replaceAll(",(regular|silver|gold|diamond),", ",platinum,"));
    replaceInFile("product.csv", "CF02,Cà phê sữa đá,1,35000", "CF02,Cà phê sữa đá,1,99000");
    LandingZoneDatabase.CliRun run = db.tryCli("load-reference", "--dir", dir.toString());
    assertThat(run.err(), containsString(
        "customers.csv line 2, column 'tier': 'platinum' is not one of regular, silver, gold, diamond"));
    assertThat(db.rows("SELECT id, tier, updated_at FROM customers ORDER BY id"), is(before));
    assertThat("the valid price change in product.csv was not applied either",
        db.scalar("SELECT unit_price FROM products WHERE id = 'CF02'"), is(35000L));
  }

  private void replaceInFile(String file, String from, String to) throws IOException {
    Path path = dir.resolve(file);
    String text = Files.readString(path, StandardCharsets.UTF_8);
    if (!text.contains(from)) {
      throw new AssertionError(file + " does not contain " + from);
    }
    Files.writeString(path, text.replaceFirst(java.util.regex.Pattern.quote(from), to), StandardCharsets.UTF_8);
  }
}
