package com.coffeeshop.transforms.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The suggestion job's reference data as MySQL has it, each row with its version: its
 * {@code changed_at} in epoch milliseconds, which the database sets on every insert and change and no writer
 * sets (the same value the row's CDC events carry). Not {@code updated_at}, which writers may set (the loader
 * copies it from the CSV): one row dated in the future would make every later change of it look older. {@link ReferenceStore} uses the versions to keep the newer
 * of two writers, so a snapshot read before a change can never overwrite that change in Redis.
 *
 * @param notChangedSinceMs a time before which every row not in the snapshot was already gone: entries
 *     of Redis absent here and older than this were deleted in MySQL
 */
public record ReferenceData(long notChangedSinceMs, Map<Integer, Versioned<String>> tiers,
    Map<Integer, Versioned<PaymentMethod>> paymentMethods, Map<String, Versioned<Product>> products) {

  /** A value and the {@code changed_at} (epoch ms) of the row it came from. */
  public record Versioned<T>(T value, long version) {}

  /**
   * Writes still uncommitted when the snapshot starts can carry a {@code changed_at} before it; a
   * row is only taken as deleted when it has been absent for this long.
   */
  static final long COMMIT_MARGIN_MS = 60_000;

  /** Reads the three tables in one consistent snapshot. */
  public static ReferenceData read(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      long now;
      try (ResultSet rs = s.executeQuery("SELECT UTC_TIMESTAMP(3)")) {
        rs.next();
        now = millis(rs, 1);
      }
      Map<Integer, Versioned<String>> tiers = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT id, tier, changed_at FROM customers")) {
        while (rs.next()) {
          tiers.put(rs.getInt(1), new Versioned<>(rs.getString(2), millis(rs, 3)));
        }
      }
      Map<Integer, Versioned<PaymentMethod>> methods = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT id, method_name, bank, changed_at FROM payment_methods")) {
        while (rs.next()) {
          methods.put(rs.getInt(1), new Versioned<>(new PaymentMethod(rs.getInt(1), rs.getString(2), rs.getString(3)),
              millis(rs, 4)));
        }
      }
      Map<String, Versioned<Product>> products = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT id, name, unit_price, changed_at FROM products")) {
        while (rs.next()) {
          products.put(rs.getString(1), new Versioned<>(new Product(rs.getString(1), rs.getString(2), rs.getInt(3)),
              millis(rs, 4)));
        }
      }
      c.commit();
      return new ReferenceData(now - COMMIT_MARGIN_MS, tiers, methods, products);
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** One customer's tier, for a lookup that Redis could not answer. */
  public static Optional<Versioned<String>> customer(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT tier, changed_at FROM customers WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Versioned<>(rs.getString(1), millis(rs, 2))) : Optional.empty();
      }
    }
  }

  /** A DATETIME as Debezium encodes it: the written wall-clock time read as UTC (every session is UTC). */
  private static long millis(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
