// A schema holding every MySQL/MariaDB column type with edge values, plus a
// view on a view, a trigger, a procedure, a function and an event.

/** Rows of `every_type`: edge values of every type, NULLs, and 'NULL' the string; on `kind`'s server. */
export function everyTypeSql(kind: 'mysql' | 'mariadb'): string {
  // MySQL's TIME(6) ends at 838:59:59.000000, MariaDB's a microsecond before 839 hours
  return kind === 'mysql' ? EVERY_TYPE_SQL.replace("'838:59:59.999999'", "'838:59:59.000000'") : EVERY_TYPE_SQL;
}

const EVERY_TYPE_SQL = String.raw`
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO';
CREATE TABLE every_type (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED,
  d DECIMAL(65,30), d2 DECIMAL(10,2) UNSIGNED,
  f FLOAT, fd FLOAT(10,3), db DOUBLE,
  b1 BIT(1), b64 BIT(64),
  dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME, tm6 TIME(6), y YEAR,
  c CHAR(10), vc VARCHAR(255), tx TEXT, mtx MEDIUMTEXT, lat VARCHAR(20) CHARACTER SET latin1,
  bn BINARY(4), vb VARBINARY(64), bl BLOB, lbl LONGBLOB,
  e ENUM('a','b','c d'), st SET('x','y','z'),
  j JSON,
  g GEOMETRY, pt POINT, ls LINESTRING, pg POLYGON,
  gen_virtual VARCHAR(300) AS (CONCAT(vc, '!')) VIRTUAL,
  gen_stored BIGINT AS (bi DIV 2) STORED,
  KEY (vc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO every_type (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d, d2, f, fd, db, b1, b64, dt, dtm, dtm6, ts, tm, tm6, y,
  c, vc, tx, mtx, lat, bn, vb, bl, lbl, e, st, j, g, pt, ls, pg) VALUES
(0, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
  '-99999999999999999999999999999999999.999999999999999999999999999999', 99999999.99,
  -3.4028234e38, -9999999.999, -1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
  '1000-01-01', '1000-01-01 00:00:00', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01.000', '-838:59:59', '-838:59:59.000000', 1901,
  'a', 'x', 'x', 'x', 'x', 0x00000000, 0x00, 0x00, 0x00, 'a', '', '{}', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(1 2)', 4326),
  ST_GeomFromText('LINESTRING(0 0,1 1,2 3)'), ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2))')),
(NULL, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
  '99999999999999999999999999999999999.999999999999999999999999999999', 0.01,
  0.1, 1.5, 0.30000000000000004, b'0', b'0',
  '9999-12-31', '9999-12-31 23:59:59', '2024-02-29 12:34:56.000001', '2038-01-19 03:14:07.999', '838:59:59', '838:59:59.999999', 2155,
  'ten chars!', 'Emoji 😀🎉 “quotes” \'single\' "double" back\\slash \\\\ tab	end', CONCAT('NUL:', CHAR(0), ':^Z:', CHAR(26), ':cr:', CHAR(13), ':lf:', CHAR(10), ':'),
  REPEAT('long text ', 20000), 'Grüße café',
  0xDEADBEEF, 0x0001027F80FF, 0x00FF00FF5C27220A0D1A, REPEAT(0xABCDEF00, 100000), 'c d', 'x,z',
  '{"a": [1, 2.5, "x\\\"y", null, true], "nested": {"emoji": "😀", "big": 12345678901234567890}}',
  ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'), ST_GeomFromText('POINT(-89.999999 179.999999)', 4326),
  ST_GeomFromText('LINESTRING(-1.5 -2.25,3.125 4)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')),
(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL),
(NULL, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, '0.000000000000000000000000000001', 0, 1.17549435e-38, 0, 4.9e-324, b'0', b'1010',
  '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00.000', '00:00:00', '-00:00:00.000001', 0,
  'NULL', 'NULL', '', '', '', 0x00000000, '', '', '', 'b', '', 'null',
  NULL, NULL, NULL, NULL);
`;

/**
 * What one server has and the other has not, or has in its own form: MySQL's
 * functional indexes, SRID-restricted columns and 0900 collations; MariaDB's
 * UUID and INET6 types. Invisible columns, CHECK constraints and -0 on both.
 */
export const SERVER_FEATURES_SQL = {
  mysql: String.raw`
CREATE TABLE server_features (
  id INT PRIMARY KEY,
  hidden_note VARCHAR(20) INVISIBLE DEFAULT 'unseen',
  neg_zero DOUBLE,
  cs VARCHAR(20) COLLATE utf8mb4_0900_as_cs,
  ai VARCHAR(20) COLLATE utf8mb4_0900_ai_ci,
  geo POINT NOT NULL SRID 4326,
  doc JSON,
  qty INT CHECK (qty >= 0),
  KEY lower_cs ((LOWER(cs))),
  SPATIAL KEY geo_index (geo)
);
INSERT INTO server_features (id, hidden_note, neg_zero, cs, ai, geo, doc, qty) VALUES
  (1, 'secret', CAST('-0' AS DOUBLE), 'Ab', 'Ab', ST_GeomFromText('POINT(45.5 -120.25)', 4326), '{"z": 1, "a": [1.0, 2.50, 1e2], "m": {"b": null, "a": "x"}}', 0),
  (2, DEFAULT, 1e-300, 'ab', 'ÅB', ST_GeomFromText('POINT(-89.9 179.9)', 4326), '[]', 7);
`,
  mariadb: String.raw`
CREATE TABLE server_features (
  id INT PRIMARY KEY,
  hidden_note VARCHAR(20) INVISIBLE DEFAULT 'unseen',
  neg_zero DOUBLE,
  u UUID,
  ip INET6,
  geo POINT REF_SYSTEM_ID = 4326,
  doc JSON,
  qty INT CHECK (qty >= 0)
);
INSERT INTO server_features (id, hidden_note, neg_zero, u, ip, geo, doc, qty) VALUES
  (1, 'secret', CAST('-0' AS DOUBLE), '00000000-0000-0000-0000-000000000000', '::', ST_GeomFromText('POINT(45.5 -120.25)', 4326), '{"z": 1, "a": [1.0, 2.50, 1e2]}', 0),
  (2, DEFAULT, 1e-300, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '2001:db8::ff00:42:8329', ST_GeomFromText('POINT(-89.9 179.9)', 4326), '[]', 7);
`,
} as const;

/** Second table with a foreign key, and objects depending on both tables. */
export const OBJECTS_SQL = String.raw`
CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, touched INT NOT NULL DEFAULT 0) ENGINE=InnoDB;
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, amount DECIMAL(12,4),
  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent(id)) ENGINE=InnoDB;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100) NOT NULL) ENGINE=InnoDB;
CREATE TABLE no_key (a INT, b VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO parent VALUES (1, 'one', 0), (2, 'two', 0);
INSERT INTO child VALUES (10, 1, 1.5), (11, 1, 2.25), (12, 2, -3.125);
INSERT INTO no_key VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL);
CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE PROCEDURE add_parent(IN p_id INT, IN p_name VARCHAR(50))
BEGIN
  INSERT INTO parent (id, name) VALUES (p_id, p_name);
  INSERT INTO audit (what) VALUES (CONCAT('added ', p_name));
END;
CREATE VIEW parent_totals AS SELECT p.id, p.name, SUM(c.amount) AS total FROM parent p JOIN child c ON c.parent_id = p.id GROUP BY p.id, p.name;
CREATE VIEW a_doubled_totals AS SELECT id, double_it(id) AS doubled, total FROM parent_totals;
CREATE TRIGGER child_touches_parent AFTER INSERT ON child FOR EACH ROW UPDATE parent SET touched = touched + 1 WHERE id = NEW.parent_id;
CREATE EVENT nightly_cleanup ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM audit WHERE id < 0;
`;
