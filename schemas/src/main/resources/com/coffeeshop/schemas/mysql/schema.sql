-- Landing zone of the coffee-shop chain: the OLTP tables the order generator writes, Debezium
-- captures and the daily batch reads incrementally. Runs unchanged on MariaDB 10.11/11.x and
-- MySQL 8. Idempotent: every statement can be re-applied to an existing schema.
--
-- Conventions
--   * Money is integer VND (no fractions exist in VND).
--   * Order ids are UUID strings in VARCHAR(36): MariaDB allows no generated column over a CHAR.
--   * Times are DATETIME(3) in UTC (the server and every session run with time_zone '+00:00').
--   * `updated_at` on the reference tables is business data: the loader writes it from the CSV, and
--     the suggestion job versions Redis entries by it. It is NOT what the batch reads by.
--   * `changed_at` on every table is the batch's capture position: MariaDB sets it on every insert
--     and on every update that changes a value (DEFAULT / ON UPDATE CURRENT_TIMESTAMP), from the
--     server's clock, whatever times the rows carry. No writer ever sets it. Bronze reads the rows
--     with `changed_at` in [last watermark, now - settle time), so a late order (an old `timestamp`),
--     a line written after its order or a store loaded with an old `updated_at` is still read once.

CREATE TABLE IF NOT EXISTS product_category (
  id          INT          NOT NULL,
  name        VARCHAR(100) NOT NULL,
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_product_category_changed_at (changed_at),
  UNIQUE KEY uq_product_category_name (name),
  KEY ix_product_category_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS products (
  id          VARCHAR(16)  NOT NULL,
  name        VARCHAR(200) NOT NULL,
  category_id INT          NOT NULL,
  unit_price  INT          NOT NULL,
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_products_changed_at (changed_at),
  KEY ix_products_updated_at (updated_at),
  CONSTRAINT fk_products_category FOREIGN KEY (category_id) REFERENCES product_category (id),
  CONSTRAINT ck_products_unit_price CHECK (unit_price > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS stores (
  id          INT          NOT NULL,
  name        VARCHAR(200) NOT NULL,
  address     VARCHAR(300) NOT NULL,
  district    VARCHAR(100) NOT NULL,
  city        VARCHAR(100) NOT NULL,
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_stores_changed_at (changed_at),
  KEY ix_stores_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS payment_methods (
  id          INT          NOT NULL,
  method_name VARCHAR(50)  NOT NULL,
  -- Only bank transfers name a bank; NULL for cash and card.
  bank        VARCHAR(50)  NULL,
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_payment_methods_changed_at (changed_at),
  KEY ix_payment_methods_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customers (
  id           INT          NOT NULL,
  name         VARCHAR(200) NOT NULL,
  phone_number VARCHAR(20)  NOT NULL,
  tier         VARCHAR(16)  NOT NULL,
  updated_at   DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_customers_changed_at (changed_at),
  KEY ix_customers_tier (tier),
  KEY ix_customers_updated_at (updated_at),
  CONSTRAINT ck_customers_tier CHECK (tier IN ('regular', 'silver', 'gold', 'diamond'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS orders (
  id                VARCHAR(36) NOT NULL,
  `timestamp`       DATETIME(3) NOT NULL,
  store_id          INT         NOT NULL,
  payment_method_id INT         NOT NULL,
  customer_id       INT         NOT NULL,
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_orders_changed_at (changed_at),
  KEY ix_orders_timestamp (`timestamp`),
  CONSTRAINT fk_orders_store FOREIGN KEY (store_id) REFERENCES stores (id),
  CONSTRAINT fk_orders_payment_method FOREIGN KEY (payment_method_id) REFERENCES payment_methods (id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_details (
  order_id         VARCHAR(36) NOT NULL,
  product_id       VARCHAR(16) NOT NULL,
  quantity         INT         NOT NULL,
  -- 0..100; non-zero only on suggested lines.
  discount_percent INT         NOT NULL DEFAULT 0,
  -- unit_price * quantity * (100 - discount_percent) / 100, rounded down to whole VND.
  subtotal         INT         NOT NULL,
  is_suggestion    TINYINT(1)  NOT NULL DEFAULT 0,
  -- The order id on a suggested line, NULL on ordered ones: its unique key allows at most one
  -- suggestion per order, whatever replays or concurrent runs of the suggestion job do.
  suggestion_for   VARCHAR(36) AS (IF(is_suggestion = 1, order_id, NULL)) STORED,
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_id, product_id),
  KEY ix_order_details_changed_at (changed_at),
  UNIQUE KEY uq_order_details_one_suggestion (suggestion_for),
  KEY ix_order_details_product (product_id),
  CONSTRAINT fk_order_details_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_order_details_product FOREIGN KEY (product_id) REFERENCES products (id),
  CONSTRAINT ck_order_details_quantity CHECK (quantity > 0),
  CONSTRAINT ck_order_details_discount CHECK (discount_percent BETWEEN 0 AND 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Deletes and key changes of orders and order lines leave no row behind for the batch to read, so triggers
-- log each one here, in the same transaction: the key that disappeared, the time of its order (its day in the
-- lakehouse) and, as everywhere, `changed_at`. A voided order (its lines and itself deleted), an order moved to
-- another time, a line's product swapped (a key change) each leave one row per vanished key; bronze reads them
-- by `changed_at` like any table and writes tombstones into the vanished key's day. Reference tables need none:
-- the batch compares their keys whole on every run.
CREATE TABLE IF NOT EXISTS order_changes (
  seq         BIGINT       NOT NULL AUTO_INCREMENT,
  table_name  VARCHAR(16)  NOT NULL,
  order_id    VARCHAR(36)  NOT NULL,
  product_id  VARCHAR(16)  NULL,
  order_ts    DATETIME(3)  NULL,
  changed_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (seq),
  KEY ix_order_changes_changed_at (changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS orders_deleted;
CREATE TRIGGER orders_deleted AFTER DELETE ON orders FOR EACH ROW
  INSERT INTO order_changes (table_name, order_id, order_ts) VALUES ('orders', OLD.id, OLD.`timestamp`);

-- An order whose id or time changes leaves its old (id, day) behind.
DROP TRIGGER IF EXISTS orders_rekeyed;
CREATE TRIGGER orders_rekeyed AFTER UPDATE ON orders FOR EACH ROW
  INSERT INTO order_changes (table_name, order_id, order_ts)
  SELECT 'orders', OLD.id, OLD.`timestamp` FROM DUAL
  WHERE NOT (OLD.id <=> NEW.id AND OLD.`timestamp` <=> NEW.`timestamp`);

-- An order moved to another time takes its lines to its new day: they are captured again with it.
DROP TRIGGER IF EXISTS orders_moved_lines;
CREATE TRIGGER orders_moved_lines AFTER UPDATE ON orders FOR EACH ROW FOLLOWS orders_rekeyed
  UPDATE order_details SET changed_at = CURRENT_TIMESTAMP(3)
  WHERE order_id = NEW.id AND NOT (OLD.`timestamp` <=> NEW.`timestamp`);

DROP TRIGGER IF EXISTS order_details_deleted;
CREATE TRIGGER order_details_deleted AFTER DELETE ON order_details FOR EACH ROW
  INSERT INTO order_changes (table_name, order_id, product_id, order_ts)
  VALUES ('order_details', OLD.order_id, OLD.product_id, (SELECT o.`timestamp` FROM orders o WHERE o.id = OLD.order_id));

DROP TRIGGER IF EXISTS order_details_rekeyed;
CREATE TRIGGER order_details_rekeyed AFTER UPDATE ON order_details FOR EACH ROW
  INSERT INTO order_changes (table_name, order_id, product_id, order_ts)
  SELECT 'order_details', OLD.order_id, OLD.product_id, (SELECT o.`timestamp` FROM orders o WHERE o.id = OLD.order_id)
  FROM DUAL WHERE NOT (OLD.order_id <=> NEW.order_id AND OLD.product_id <=> NEW.product_id);

-- The transactions that have written rows and not committed yet, for the batch, which must read no change time
-- past the start of the oldest: a row such a transaction wrote gets a `changed_at` before its commit. Reading
-- information_schema.INNODB_TRX takes the PROCESS privilege, which would also show the batch every session's
-- statements; this view runs with its definer's privileges and shows only when each transaction started. A
-- long read (a backup) writes nothing and does not count.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW open_writes AS
  SELECT trx_mysql_thread_id AS thread_id, UNIX_TIMESTAMP(trx_started) AS started_epoch_s,
         trx_rows_modified AS rows_modified
  FROM information_schema.INNODB_TRX
  WHERE trx_mysql_thread_id <> CONNECTION_ID()
    AND (trx_rows_modified > 0 OR (trx_query IS NOT NULL AND trx_query NOT LIKE 'SELECT%'));
