package com.coffeeshop.pipelines.medallion.bronze;

import com.coffeeshop.transforms.jdbc.JdbcEndpoint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What bronze asks the landing zone before it plans a run, over one connection: the database's own clock (the
 * clock that stamps {@code changed_at}, whatever the launcher's says), the oldest transaction that has written rows
 * and not committed (from the {@code open_writes} view, see {@code mysql/schema.sql}), whether the server is
 * read-only (a replica), and the columns of its tables.
 *
 * @param now the database's clock
 * @param oldestOpenWrite the oldest transaction with uncommitted writes, if any
 * @param readOnly the server's {@code read_only}: set on replicas
 * @param columns each table's columns
 */
record SourceState(Instant now, Optional<OpenWrite> oldestOpenWrite, boolean readOnly, Map<String, Set<String>> columns) {

  /** A transaction that has written rows and not committed: its MySQL thread, when it started, what it wrote. */
  record OpenWrite(long threadId, Instant started, long rowsModified) {}

  static SourceState read(JdbcEndpoint endpoint) {
    try (Connection c = endpoint.open(); Statement s = c.createStatement()) {
      Instant now;
      boolean readOnly;
      try (ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(NOW(3)) * 1000, @@global.read_only")) {
        rs.next();
        now = Instant.ofEpochMilli(rs.getLong(1));
        readOnly = rs.getBoolean(2);
      }
      Optional<OpenWrite> oldest;
      try (ResultSet rs = s.executeQuery(
          "SELECT thread_id, started_epoch_s, rows_modified FROM open_writes ORDER BY started_epoch_s LIMIT 1")) {
        oldest = rs.next()
            ? Optional.of(new OpenWrite(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getLong(3)))
            : Optional.empty();
      } catch (SQLException e) {
        throw new IllegalStateException("bronze cannot see the landing zone's open transactions through the view"
            + " open_writes of " + endpoint + " (" + e.getMessage() + "): run `coffee db-init` as the database's"
            + " admin, which creates it and lets the batch user read it. Without it a transaction still open when"
            + " bronze reads could commit rows behind the watermark, never to be read", e);
      }
      Map<String, Set<String>> columns = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name, column_name FROM information_schema.columns"
          + " WHERE table_schema = DATABASE()")) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getString(1), t -> new TreeSet<>()).add(rs.getString(2));
        }
      }
      return new SourceState(now, oldest, readOnly, columns);
    } catch (SQLException e) {
      throw new IllegalStateException("bronze cannot read the landing zone " + endpoint + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fails, naming the table and columns, when a table lacks a column bronze reads (dropped or renamed in MySQL):
   * bronze reads the columns of its contract by name. Columns MySQL has beyond them (added later) are not read.
   *
   * @return per table, the columns MySQL has that bronze does not read
   */
  Map<String, Set<String>> requireColumns(Map<String, List<String>> read) {
    Map<String, Set<String>> extra = new HashMap<>();
    List<String> missing = new ArrayList<>();
    read.forEach((table, wanted) -> {
      Set<String> has = columns.getOrDefault(table, Set.of());
      if (has.isEmpty()) {
        missing.add("table " + table + " does not exist");
        return;
      }
      List<String> gone = wanted.stream().filter(c -> !has.contains(c)).toList();
      if (!gone.isEmpty()) {
        missing.add(table + " has no column " + String.join(", ", gone));
      }
      Set<String> more = new TreeSet<>(has);
      more.removeAll(wanted);
      if (!more.isEmpty()) {
        extra.put(table, more);
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the landing zone changed under bronze: " + String.join("; ", missing)
          + " (dropped or renamed?). Bronze reads the columns of its contract (schemas/.../avro/bronze) by name and"
          + " ingests nothing while one is missing: restore the column in MySQL, or change the contract and rebuild"
          + " bronze");
    }
    return extra;
  }
}
