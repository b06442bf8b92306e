package com.coffeeshop.tools;

import com.coffeeshop.schemas.ReferenceTable;
import com.coffeeshop.schemas.ReferenceTable.Column;
import com.coffeeshop.schemas.Resources;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Loads the reference CSVs into the landing zone.
 *
 * <p>Guarantees: every file is parsed and validated before anything is written, and the whole load is
 * one transaction, so a bad file leaves every table as it was. Rows are upserted by id: an unchanged
 * row is not touched; a changed row gets a new {@code updated_at} from the database (the DDL's ON
 * UPDATE clause), so the incremental batch sees it.
 */
public final class ReferenceDataLoader {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** Where the CSV files come from. */
  public interface Source {
    Reader open(ReferenceTable table) throws IOException;

    /** False when the file is absent: a directory may hold only some of the tables. */
    boolean has(ReferenceTable table);
  }

  /** The samples shipped in the schemas module. */
  public static Source bundledSamples() {
    return new Source() {
      @Override
      public Reader open(ReferenceTable t) {
        return new InputStreamReader(
            Resources.open(ReferenceTable.SAMPLES + t.fileName()), StandardCharsets.UTF_8);
      }

      @Override
      public boolean has(ReferenceTable t) {
        return true;
      }
    };
  }

  /** CSV files named as in the seed (product.csv, store.csv, …) in {@code dir}. */
  public static Source directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("reference data folder " + dir + " does not exist");
    }
    return new Source() {
      @Override
      public Reader open(ReferenceTable t) throws IOException {
        return Files.newBufferedReader(dir.resolve(t.fileName()), StandardCharsets.UTF_8);
      }

      @Override
      public boolean has(ReferenceTable t) {
        return Files.isRegularFile(dir.resolve(t.fileName()));
      }
    };
  }

  /** What one table's load did. */
  public record TableResult(String table, int rows, int inserted, int updated, int unchanged) {}

  /** Parses, validates and loads every file the source has, in one transaction. */
  public List<TableResult> load(Connection connection, Source source)
      throws ReferenceDataException, IOException, SQLException {
    Map<ReferenceTable, List<Object[]>> parsed = new EnumMap<>(ReferenceTable.class);
    Map<String, Set<Object>> keys = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (ReferenceTable table : ReferenceTable.values()) {
      if (!source.has(table)) {
        continue;
      }
      try (Reader reader = source.open(table)) {
        parsed.put(table, parse(table, reader, connection, keys, problems));
      }
    }
    if (parsed.isEmpty()) {
      problems.add("no reference file found; expected one or more of "
          + java.util.Arrays.stream(ReferenceTable.values()).map(ReferenceTable::fileName)
              .collect(Collectors.joining(", ")));
    }
    if (!problems.isEmpty()) {
      throw new ReferenceDataException(problems);
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      List<TableResult> results = new ArrayList<>();
      for (Map.Entry<ReferenceTable, List<Object[]>> e : parsed.entrySet()) {
        results.add(upsert(connection, e.getKey(), e.getValue()));
      }
      connection.commit();
      return results;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static List<Object[]> parse(
      ReferenceTable table, Reader reader, Connection connection, Map<String, Set<Object>> keys,
      List<String> problems) throws IOException, SQLException {
    String file = table.fileName();
    List<Object[]> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    CSVParser parser;
    try {
      parser = CSVParser.parse(reader, format);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      problems.add(file + " line 1: wrong header: " + e.getMessage());
      return rows;
    }
    try (parser) {
      List<String> header = parser.getHeaderNames();
      List<String> expected = table.columnNames();
      int before = problems.size();
      for (String name : expected) {
        if (!header.contains(name)) {
          problems.add(file + " line 1: missing column '" + name + "' (expected header: "
              + String.join(",", expected) + ")");
        }
      }
      for (String name : header) {
        if (!expected.contains(name)) {
          problems.add(file + " line 1: unexpected column '" + name + "' (expected header: "
              + String.join(",", expected) + ")");
        }
      }
      if (problems.size() > before) {
        return rows;
      }
      Map<Object, Long> firstLine = new HashMap<>();
      Set<Object> tableKeys = keys.computeIfAbsent(table.table(), k -> new HashSet<>());
      for (CSVRecord record : parser) {
        long line = record.getRecordNumber() + 1; // the header is line 1
        if (record.size() != header.size()) {
          problems.add(file + " line " + line + ": expected " + header.size() + " values, found "
              + record.size());
          continue;
        }
        Object[] row = new Object[expected.size()];
        boolean ok = true;
        for (int i = 0; i < expected.size(); i++) {
          Column column = table.columns().get(i);
          String raw = record.get(column.name()).strip();
          try {
            row[i] = convert(column, raw);
          } catch (IllegalArgumentException e) {
            problems.add(file + " line " + line + ", column '" + column.name() + "': " + e.getMessage());
            ok = false;
            continue;
          }
          String ref = column.referencedTable();
          if (ref != null && !knownKeys(ref, connection, keys).contains(row[i])) {
            problems.add(file + " line " + line + ", column '" + column.name() + "': " + row[i]
                + " is not a known " + ref + " id");
            ok = false;
          }
          if (column.isKey()) {
            Long first = firstLine.putIfAbsent(row[i], line);
            if (first != null) {
              problems.add(file + " line " + line + ", column '" + column.name() + "': duplicate id "
                  + row[i] + " (first on line " + first + ")");
              ok = false;
            }
          }
        }
        if (ok) {
          rows.add(row);
          tableKeys.add(row[table.columns().indexOf(table.keyColumn())]);
        }
      }
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      problems.add(file + ": not valid CSV: " + e.getMessage());
    }
    return rows;
  }

  /** Keys a reference may point at: those in this load's file plus those already in the database. */
  private static Set<Object> knownKeys(String table, Connection c, Map<String, Set<Object>> keys)
      throws SQLException {
    String dbKey = "db:" + table;
    if (!keys.containsKey(dbKey)) {
      Set<Object> existing = new HashSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
        while (rs.next()) {
          existing.add(rs.getObject(1));
        }
      }
      keys.put(dbKey, existing);
    }
    Set<Object> all = new HashSet<>(keys.get(dbKey));
    all.addAll(keys.getOrDefault(table, Set.of()));
    return all;
  }

  private static Object convert(Column column, String raw) {
    if (raw.isEmpty()) {
      if (column.type() == ReferenceTable.ColumnType.OPTIONAL_TEXT) {
        return null;
      }
      throw new IllegalArgumentException("value is empty");
    }
    switch (column.type()) {
      case INT:
      case POSITIVE_INT:
        int n;
        try {
          n = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + raw + "' is not a whole number");
        }
        if (column.type() == ReferenceTable.ColumnType.POSITIVE_INT && n <= 0) {
          throw new IllegalArgumentException(n + " must be greater than 0");
        }
        return n;
      case TIMESTAMP:
        try {
          return LocalDateTime.parse(raw, TIMESTAMP);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("'" + raw + "' is not a timestamp like 2025-01-31 08:30:00");
        }
      default:
        if (!column.allowedValues().isEmpty() && !column.allowedValues().contains(raw)) {
          throw new IllegalArgumentException("'" + raw + "' is not one of "
              + String.join(", ", column.allowedValues()));
        }
        return raw;
    }
  }

  private static TableResult upsert(Connection c, ReferenceTable table, List<Object[]> rows)
      throws SQLException {
    List<String> cols = table.columnNames();
    String updates = cols.stream()
        .filter(n -> !n.equals(table.keyColumn().name()) && !n.equals("updated_at"))
        .map(n -> n + " = VALUES(" + n + ")")
        .collect(Collectors.joining(", "));
    String sql = "INSERT INTO " + table.table() + " (" + String.join(", ", cols) + ") VALUES ("
        + cols.stream().map(n -> "?").collect(Collectors.joining(", ")) + ") ON DUPLICATE KEY UPDATE "
        + updates;
    int inserted = 0;
    int updated = 0;
    int unchanged = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          Object v = row[i];
          if (v == null) {
            ps.setNull(i + 1, Types.VARCHAR);
          } else {
            ps.setObject(i + 1, v);
          }
        }
        ps.addBatch();
      }
      for (int count : ps.executeBatch()) {
        switch (count) {
          case 0 -> unchanged++;
          case 1 -> inserted++;
          default -> updated++;
        }
      }
    }
    return new TableResult(table.table(), rows.size(), inserted, updated, unchanged);
  }
}
