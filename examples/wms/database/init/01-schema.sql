-- Warehouse schema and a few rows. Runs once, in the environment's own database
-- (MYSQL_DATABASE), when its volume is first initialised.
CREATE TABLE warehouses (
  id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(16) NOT NULL UNIQUE,
  name VARCHAR(120) NOT NULL,
  city VARCHAR(80) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE products (
  id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  sku VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  unit_price DECIMAL(12,2) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE stock (
  warehouse_id INT UNSIGNED NOT NULL,
  product_id INT UNSIGNED NOT NULL,
  quantity INT NOT NULL DEFAULT 0,
  PRIMARY KEY (warehouse_id, product_id),
  CONSTRAINT fk_stock_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses(id),
  CONSTRAINT fk_stock_product FOREIGN KEY (product_id) REFERENCES products(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  reference VARCHAR(40) NOT NULL UNIQUE,
  warehouse_id INT UNSIGNED NOT NULL,
  status ENUM('open','picked','shipped','cancelled') NOT NULL DEFAULT 'open',
  note TEXT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  CONSTRAINT fk_orders_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO warehouses (code, name, city) VALUES
  ('NORTH', 'North depot', 'Hamburg'),
  ('SOUTH', 'South depot', 'München'),
  ('EAST', 'East cross-dock', 'Dresden');

INSERT INTO products (sku, name, unit_price) VALUES
  ('PAL-EUR', 'Euro pallet 1200×800', 12.50),
  ('BOX-S', 'Carton, small', 0.45),
  ('BOX-L', 'Carton, large', 0.95),
  ('TAPE-48', 'Packing tape 48 mm', 2.10);

INSERT INTO stock (warehouse_id, product_id, quantity) VALUES
  (1, 1, 120), (1, 2, 5000), (1, 3, 2400), (2, 1, 80), (2, 4, 300), (3, 2, 1200);

INSERT INTO orders (reference, warehouse_id, status, note) VALUES
  ('ORD-0001', 1, 'shipped', NULL),
  ('ORD-0002', 2, 'open', 'Call before delivery'),
  ('ORD-0003', 3, 'picked', 'Fragile — "handle with care"');
