package com.coffeeshop.schemas;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The reference data: one CSV file per landing-zone table, with the seed's file names and column
 * layouts. Listed in foreign-key order, so loading them top to bottom never breaks a reference.
 */
public enum ReferenceTable {
  PRODUCT_CATEGORY(
      "product_category.csv",
      "product_category",
      Column.key("id", ColumnType.INT),
      Column.of("name", ColumnType.TEXT),
      Column.of("updated_at", ColumnType.TIMESTAMP)),
  PRODUCTS(
      "product.csv",
      "products",
      Column.key("id", ColumnType.TEXT),
      Column.of("name", ColumnType.TEXT),
      Column.of("category_id", ColumnType.INT).references("product_category"),
      Column.of("unit_price", ColumnType.POSITIVE_INT),
      Column.of("updated_at", ColumnType.TIMESTAMP)),
  STORES(
      "store.csv",
      "stores",
      Column.key("id", ColumnType.INT),
      Column.of("name", ColumnType.TEXT),
      Column.of("address", ColumnType.TEXT),
      Column.of("district", ColumnType.TEXT),
      Column.of("city", ColumnType.TEXT),
      Column.of("updated_at", ColumnType.TIMESTAMP)),
  PAYMENT_METHODS(
      "payment_method.csv",
      "payment_methods",
      Column.key("id", ColumnType.INT),
      Column.of("method_name", ColumnType.TEXT),
      Column.of("bank", ColumnType.OPTIONAL_TEXT),
      Column.of("updated_at", ColumnType.TIMESTAMP)),
  CUSTOMERS(
      "customers.csv",
      "customers",
      Column.key("id", ColumnType.INT),
      Column.of("name", ColumnType.TEXT),
      Column.of("phone_number", ColumnType.TEXT),
      Column.of("tier", ColumnType.TEXT).oneOf("regular", "silver", "gold", "diamond"),
      Column.of("updated_at", ColumnType.TIMESTAMP));

  /** Where the shipped samples live on the classpath. */
  public static final String SAMPLES = "reference/";

  private final String fileName;
  private final String table;
  private final List<Column> columns;

  ReferenceTable(String fileName, String table, Column... columns) {
    this.fileName = fileName;
    this.table = table;
    this.columns = List.of(columns);
  }

  public String fileName() {
    return fileName;
  }

  public String table() {
    return table;
  }

  public List<Column> columns() {
    return columns;
  }

  public Column keyColumn() {
    return columns.stream().filter(Column::isKey).findFirst().orElseThrow();
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).collect(Collectors.toList());
  }

  /** The kinds of value a reference CSV cell may hold. */
  public enum ColumnType {
    INT,
    POSITIVE_INT,
    TEXT,
    /** Empty cell means SQL NULL. */
    OPTIONAL_TEXT,
    /** {@code yyyy-MM-dd HH:mm:ss}, UTC. */
    TIMESTAMP
  }

  /** One CSV column and the rule its values follow. */
  public static final class Column {
    private final String name;
    private final ColumnType type;
    private final boolean key;
    private final String referencedTable;
    private final List<String> allowedValues;

    private Column(String name, ColumnType type, boolean key, String ref, List<String> allowed) {
      this.name = name;
      this.type = type;
      this.key = key;
      this.referencedTable = ref;
      this.allowedValues = allowed;
    }

    static Column of(String name, ColumnType type) {
      return new Column(name, type, false, null, List.of());
    }

    static Column key(String name, ColumnType type) {
      return new Column(name, type, true, null, List.of());
    }

    Column references(String table) {
      return new Column(name, type, key, table, allowedValues);
    }

    Column oneOf(String... values) {
      return new Column(name, type, key, referencedTable, List.of(values));
    }

    public String name() {
      return name;
    }

    public ColumnType type() {
      return type;
    }

    public boolean isKey() {
      return key;
    }

    /** The table whose key this column must match, or null. */
    public String referencedTable() {
      return referencedTable;
    }

    /** The only values allowed, or empty when any value of the type is allowed. */
    public List<String> allowedValues() {
      return allowedValues;
    }
  }
}
