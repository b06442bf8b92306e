package com.coffeeshop.tools.orders;

import com.coffeeshop.tools.DbConnectionOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The reference data the order generator draws from, read once from the landing zone. */
record ReferenceSnapshot(
    List<Product> products,
    int[] storeIds,
    List<PaymentMethod> paymentMethods,
    int[] diamondCustomerIds,
    int[] otherCustomerIds) {

  record Product(String id, int unitPrice) {}

  /** {@code eligible}: a bank transfer through ACB, the payment the suggestion rule looks for. */
  record PaymentMethod(int id, boolean bankTransfer, boolean eligible) {}

  /** Reads the snapshot over a connection of its own. */
  static ReferenceSnapshot read(DbConnectionOptions db) throws SQLException {
    try (Connection c = db.connect()) {
      return read(c);
    }
  }

  static ReferenceSnapshot read(Connection c) throws SQLException {
    List<Product> products = new ArrayList<>();
    List<PaymentMethod> methods = new ArrayList<>();
    List<Integer> diamond = new ArrayList<>();
    List<Integer> others = new ArrayList<>();
    List<Integer> stores = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, unit_price FROM products ORDER BY id")) {
        while (rs.next()) {
          products.add(new Product(rs.getString(1), rs.getInt(2)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT id FROM stores ORDER BY id")) {
        while (rs.next()) {
          stores.add(rs.getInt(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT id, method_name, bank FROM payment_methods ORDER BY id")) {
        while (rs.next()) {
          boolean transfer = rs.getString(2).strip().equalsIgnoreCase("bank transfer");
          boolean acb = "ACB".equalsIgnoreCase(rs.getString(3) == null ? "" : rs.getString(3).strip());
          methods.add(new PaymentMethod(rs.getInt(1), transfer, transfer && acb));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT id, tier FROM customers ORDER BY id")) {
        while (rs.next()) {
          ("diamond".equals(rs.getString(2)) ? diamond : others).add(rs.getInt(1));
        }
      }
    }
    ReferenceSnapshot snapshot =
        new ReferenceSnapshot(products, toArray(stores), methods, toArray(diamond), toArray(others));
    snapshot.requireUsable();
    return snapshot;
  }

  private void requireUsable() {
    List<String> missing = new ArrayList<>();
    if (products.size() < 3) missing.add("at least 3 products");
    if (storeIds.length == 0) missing.add("a store");
    if (paymentMethods.stream().noneMatch(PaymentMethod::eligible)) missing.add("an ACB bank-transfer payment method");
    if (paymentMethods.stream().noneMatch(m -> !m.eligible())) missing.add("a payment method other than ACB transfer");
    if (diamondCustomerIds.length == 0) missing.add("a diamond customer");
    if (otherCustomerIds.length == 0) missing.add("a non-diamond customer");
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "the landing zone lacks reference data the generator needs: " + String.join(", ", missing)
              + ". Run `coffee load-reference` first.");
    }
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
