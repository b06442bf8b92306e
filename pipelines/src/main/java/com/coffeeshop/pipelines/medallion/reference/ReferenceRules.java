package com.coffeeshop.pipelines.medallion.reference;

import com.coffeeshop.schemas.AvroSchemas;
import com.coffeeshop.transforms.validate.Clean;
import com.coffeeshop.transforms.validate.Rejected;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The row rules of the reference tables. Every row needs its key and its required columns; products
 * also need a known category and a positive price; customers a known tier. The output is the silver
 * row of the snapshot for the run's day; its {@code updated_at} is when the version was written in
 * MySQL (bronze's {@code _changed_at}), not the business column, which a loader may set to anything.
 *
 * <p>Each rule is a pure function of the bronze row (and, for products, the day's categories), so the
 * silver snapshots and the gold dimensions apply the very same rules.
 */
public final class ReferenceRules {
  private ReferenceRules() {}

  static final Set<String> TIERS = Set.of("regular", "silver", "gold", "diamond");

  /** Common to the reference tables: the silver schema, the snapshot day, the key and updated_at. */
  public abstract static class Base implements Serializable {
    private final String silverTable;
    private final int day;
    private transient Schema schema;

    Base(String silverTable, LocalDate day) {
      this.silverTable = silverTable;
      this.day = (int) day.toEpochDay();
    }

    /** The silver table these rules make rows of. */
    public String table() {
      return silverTable;
    }

    GenericRecord start(GenericRecord row) {
      if (schema == null) {
        schema = AvroSchemas.silver(silverTable);
      }
      GenericRecord out = new GenericData.Record(schema);
      out.put("snapshot_date", day);
      out.put("updated_at", row.get("_changed_at"));
      return out;
    }

    /** The silver row of a bronze version, or why it is rejected; {@code categories} by id (products only). */
    public abstract GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected;

    /** The row's key as it came, for its quarantine row. */
    public String keyOf(GenericRecord row) {
      return Clean.text(row.get("id"));
    }
  }

  public static class Categories extends Base {
    public Categories(LocalDate day) {
      super("product_categories", day);
    }

    @Override
    public GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected {
      int id = Clean.integerKey(row, "id");
      String name = Clean.required(row, "name");
      GenericRecord out = start(row);
      out.put("category_id", id);
      out.put("category", name);
      return out;
    }
  }

  public static class Products extends Base {
    public Products(LocalDate day) {
      super("products", day);
    }

    @Override
    public GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected {
      String id = Clean.key(row, "id");
      String name = Clean.required(row, "name");
      int categoryId = Clean.integer(row, "category_id");
      String category = categories.get(categoryId);
      if (category == null) {
        throw new Rejected("unknown_category", "category_id=" + categoryId + " is not a known product category");
      }
      int price = Clean.integer(row, "unit_price");
      if (price <= 0) {
        throw new Rejected("non_positive_price", "unit_price=" + price + " is not positive");
      }
      GenericRecord out = start(row);
      out.put("product_id", id);
      out.put("product_name", name);
      out.put("category_id", categoryId);
      out.put("category", category);
      out.put("unit_price", price);
      return out;
    }
  }

  public static class Stores extends Base {
    public Stores(LocalDate day) {
      super("stores", day);
    }

    @Override
    public GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected {
      int id = Clean.integerKey(row, "id");
      GenericRecord out = start(row);
      out.put("store_id", id);
      out.put("store_name", Clean.required(row, "name"));
      out.put("address", Clean.required(row, "address"));
      out.put("district", Clean.required(row, "district"));
      out.put("city", Clean.required(row, "city"));
      return out;
    }
  }

  public static class PaymentMethods extends Base {
    public PaymentMethods(LocalDate day) {
      super("payment_methods", day);
    }

    @Override
    public GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected {
      int id = Clean.integerKey(row, "id");
      GenericRecord out = start(row);
      out.put("payment_method_id", id);
      out.put("method_name", Clean.required(row, "method_name"));
      out.put("bank", Clean.text(row.get("bank")));
      return out;
    }
  }

  public static class Customers extends Base {
    public Customers(LocalDate day) {
      super("customers", day);
    }

    @Override
    public GenericRecord silverRow(GenericRecord row, Map<Integer, String> categories) throws Rejected {
      int id = Clean.integerKey(row, "id");
      String name = Clean.required(row, "name");
      String phone = Clean.required(row, "phone_number");
      String tier = Clean.required(row, "tier").toLowerCase(Locale.ROOT);
      if (!TIERS.contains(tier)) {
        throw new Rejected("unknown_tier", "tier='" + tier + "' is not one of " + TIERS);
      }
      GenericRecord out = start(row);
      out.put("customer_id", id);
      out.put("customer_name", name);
      out.put("phone_number", phone);
      out.put("tier", tier);
      return out;
    }
  }
}
