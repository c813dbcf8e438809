/**
 * The statement kinds of the effects table with a fixture to run them on. The test suite runs each
 * against a real PostgreSQL and compares what it observes with what locklint predicts
 * (test/effects-pglite.test.ts); `npm run docs` turns the same list into docs/effects.md.
 */

import { analyze } from "../lint/analyze.js";
import type { StatementEffects } from "../locks/effects.js";
import type { LockMode } from "../locks/modes.js";
import { FEATURES, OLDEST_PG_VERSION as OLDEST, since, type Feature } from "../locks/versions.js";
import { decodeSource } from "../sql/source.js";

/** Rows per fixture table: enough for a sequential scan to show in the statistics. */
export const ROWS = 300;
/** The schema every case runs against, committed before it. */
export const FIXTURE = `
CREATE TABLE customers (id bigint PRIMARY KEY, email varchar(100), name text, born timestamp,
  balance numeric(10,2), status text, code int, note varchar(20));
CREATE INDEX ix_customers_email ON customers (email);
CREATE UNIQUE INDEX ux_customers_code ON customers (code);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int, label text,
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id));
CREATE INDEX ix_orders_customer ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_customer_nv_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE customers ADD CONSTRAINT customers_status_nn CHECK (status IS NOT NULL);
CREATE TABLE products (id bigint, sku text);
CREATE UNIQUE INDEX ux_products_id ON products (id);
ALTER TABLE products ADD CONSTRAINT products_sku_nn NOT NULL sku NOT VALID;
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE TABLE tags (id bigint PRIMARY KEY);
CREATE TABLE tag_links (tag_id bigint REFERENCES tags (id));
CREATE TABLE tag_votes (tag_id bigint REFERENCES tags (id) ON DELETE CASCADE);
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN quantity AS int;
CREATE TABLE stock (sku text, amount quantity);
CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE events_2025 (id bigint, at timestamptz);
CREATE TABLE events_2026 (id bigint, at timestamptz,
  CONSTRAINT events_2026_bound CHECK (at IS NOT NULL AND at >= '2026-01-01' AND at < '2027-01-01'));
CREATE MATERIALIZED VIEW customer_status AS SELECT status, count(*) AS n FROM customers GROUP BY status;
CREATE UNIQUE INDEX ux_customer_status ON customer_status (status);
CREATE SEQUENCE order_numbers;
CREATE INDEX ix_events_id ON ONLY events (id);
CREATE INDEX ix_events_2024_id ON events_2024 (id);
ALTER TABLE events ADD CONSTRAINT events_id_checked CHECK (id > 0) NOT VALID;
ALTER TABLE events_2025 ADD CONSTRAINT events_id_checked CHECK (id > 0) NOT VALID;
ALTER TABLE events_2026 ADD CONSTRAINT events_id_checked CHECK (id > 0) NOT VALID;
CREATE TABLE heirs (id int PRIMARY KEY, name text, tag text);
CREATE TABLE heir_kids (age int) INHERITS (heirs);
CREATE VIEW heir_names AS SELECT tag FROM heirs;
INSERT INTO heirs SELECT g, 'h' FROM generate_series(1, ${ROWS}) g;
INSERT INTO heir_kids SELECT g, 'k', 't', 3 FROM generate_series(1, ${ROWS}) g;
INSERT INTO customers SELECT g, 'u' || g || '@example.com', 'name', '2024-01-01', g, 's' || g % 3, g, 'x' FROM generate_series(1, ${ROWS}) g;
INSERT INTO orders SELECT g, g, g, 'l' FROM generate_series(1, ${ROWS}) g;
INSERT INTO products SELECT g, 'p' || g FROM generate_series(1, ${ROWS}) g;
INSERT INTO events_2024 SELECT g, '2024-06-01' FROM generate_series(1, ${ROWS}) g;
INSERT INTO events_2025 SELECT g, '2025-06-01' FROM generate_series(1, ${ROWS}) g;
INSERT INTO events_2026 SELECT g, '2026-06-01' FROM generate_series(1, ${ROWS}) g;
INSERT INTO events_default SELECT g, '2030-06-01' FROM generate_series(1, ${ROWS}) g;
INSERT INTO stock SELECT 's' || g, g FROM generate_series(1, ${ROWS}) g;
INSERT INTO tags SELECT g FROM generate_series(1, ${ROWS} + 100) g;
INSERT INTO tag_links SELECT g FROM generate_series(1, ${ROWS}) g;
INSERT INTO tag_votes SELECT g FROM generate_series(1, ${ROWS}) g;
REFRESH MATERIALIZED VIEW customer_status;
`;

export interface EffectCase {
  sql: string;
  /** Run first in the same transaction: session settings, or rows and tables the case needs (their locks must not exceed the case's). */
  prep?: string;
  /** New name -> old name, for statements that rename a relation (pg_locks shows the new name). */
  renames?: Record<string, string>;
  /**
   * What PostgreSQL does instead, when locklint's prediction is known to be wrong (issue 18 corrects
   * the facts): the test then asserts that the difference is still there, and the docs say so.
   */
  differs?: string;
}

/** tag_links' foreign key made NOT VALID: a key that is rebuilt but not checked again (tag_votes' still is). */
const FK_NOT_VALID =
  "ALTER TABLE tag_links DROP CONSTRAINT tag_links_tag_id_fkey; ALTER TABLE tag_links ADD CONSTRAINT tag_links_tag_fk FOREIGN KEY (tag_id) REFERENCES tags (id) NOT VALID";
/** A varchar key and a foreign key to it, for binary-compatible type changes at either end. */
const VARCHAR_KEY = "CREATE TABLE codes (code varchar(10) PRIMARY KEY); CREATE TABLE code_refs (code varchar(10) REFERENCES codes (code))";
/** A foreign key to a unique column that is not the primary key (customers.code). */
const CODE_KEY = "ALTER TABLE products ADD CONSTRAINT products_code_fk FOREIGN KEY (id) REFERENCES customers (code)";

/** A view of a view and a table, for LOCK TABLE (created in the case's transaction: CREATE VIEW takes only ACCESS SHARE on what it reads). */
const VIEWS =
  "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100; CREATE VIEW big_customer_orders AS SELECT o.id, c.name FROM big_orders o JOIN customers c ON c.id = o.customer_id";

/** Statement kinds of the effects table that PostgreSQL accepts in a transaction block. */
export const TRANSACTIONAL: EffectCase[] = [
  { sql: "CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id))" },
  { sql: "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')" },
  { sql: "DROP TABLE products" },
  { sql: "DROP TABLE orders" },
  { sql: "ALTER TABLE customers ADD COLUMN city text" },
  { sql: "ALTER TABLE customers ADD COLUMN flag boolean NOT NULL DEFAULT false" },
  { sql: "ALTER TABLE customers ADD COLUMN joined timestamptz DEFAULT now()" },
  { sql: "ALTER TABLE customers ADD COLUMN token double precision DEFAULT random()" },
  { sql: "ALTER TABLE customers ADD COLUMN seq serial" },
  { sql: "ALTER TABLE customers ADD COLUMN ident bigint GENERATED ALWAYS AS IDENTITY" },
  { sql: "ALTER TABLE customers ADD COLUMN doubled numeric GENERATED ALWAYS AS (balance * 2) STORED" },
  { sql: "ALTER TABLE orders ADD COLUMN product_id bigint REFERENCES customers (id)" },
  { sql: "ALTER TABLE customers ADD COLUMN ref int UNIQUE" },
  { sql: "ALTER TABLE customers ADD COLUMN positive int CHECK (positive > 0)" },
  { sql: "ALTER TABLE customers DROP COLUMN name" },
  // foreign keys the column takes part in: dropped, or rebuilt after a type change, on the other table too (issue 18)
  { sql: "ALTER TABLE orders DROP COLUMN customer_id" },
  { sql: "ALTER TABLE tags DROP COLUMN id CASCADE" },
  { sql: "ALTER TABLE orders ALTER COLUMN customer_id TYPE int" },
  { sql: "ALTER TABLE tags ALTER COLUMN id TYPE int" },
  { sql: "ALTER TABLE tag_links ALTER COLUMN tag_id TYPE int", prep: FK_NOT_VALID },
  { sql: "ALTER TABLE tags ALTER COLUMN id TYPE int", prep: FK_NOT_VALID },
  { sql: "ALTER TABLE codes ALTER COLUMN code TYPE varchar(20)", prep: VARCHAR_KEY },
  { sql: "ALTER TABLE code_refs ALTER COLUMN code TYPE varchar(20)", prep: VARCHAR_KEY },
  { sql: "ALTER TABLE customers ALTER COLUMN code TYPE bigint", prep: CODE_KEY },
  { sql: "ALTER TABLE customers RENAME COLUMN name TO full_name" },
  { sql: "ALTER TABLE customers ALTER COLUMN email TYPE varchar(200)" },
  { sql: "ALTER TABLE customers ALTER COLUMN email TYPE text" },
  { sql: "ALTER TABLE customers ALTER COLUMN note TYPE varchar(10)" },
  { sql: "ALTER TABLE customers ALTER COLUMN balance TYPE numeric(12,2)" },
  { sql: "ALTER TABLE customers ALTER COLUMN balance TYPE numeric(12,4)" },
  { sql: "ALTER TABLE customers ALTER COLUMN code TYPE bigint" },
  { sql: "ALTER TABLE customers ALTER COLUMN name TYPE varchar(50)" },
  { sql: "ALTER TABLE customers ALTER COLUMN code TYPE text USING code::text" },
  { sql: "ALTER TABLE customers ALTER COLUMN born TYPE timestamptz", prep: "SET LOCAL timezone = 'UTC'" },
  { sql: "ALTER TABLE customers ALTER COLUMN born TYPE timestamptz", prep: "SET LOCAL timezone = 'Europe/Paris'" },
  { sql: "ALTER TABLE customers ALTER COLUMN name SET NOT NULL" },
  { sql: "ALTER TABLE customers ALTER COLUMN status SET NOT NULL" },
  { sql: "ALTER TABLE customers ALTER COLUMN email DROP NOT NULL" },
  { sql: "ALTER TABLE customers ALTER COLUMN status SET DEFAULT 'new'" },
  { sql: "ALTER TABLE customers ALTER COLUMN status DROP DEFAULT" },
  { sql: "ALTER TABLE orders ADD CONSTRAINT orders_label_check CHECK (label <> '')" },
  { sql: "ALTER TABLE orders ADD CONSTRAINT orders_label_check CHECK (label <> '') NOT VALID" },
  { sql: "ALTER TABLE orders ADD CONSTRAINT orders_customer2_fk FOREIGN KEY (customer_id) REFERENCES customers (id)" },
  { sql: "ALTER TABLE orders ADD CONSTRAINT orders_customer2_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID" },
  { sql: "ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)" },
  { sql: "ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY (id)" },
  { sql: "ALTER TABLE products ADD CONSTRAINT products_sku_excl EXCLUDE USING btree (sku WITH =)" },
  { sql: "ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY USING INDEX ux_products_id" },
  { sql: "ALTER TABLE customers ADD CONSTRAINT customers_code_key UNIQUE USING INDEX ux_customers_code" },
  { sql: "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check" },
  { sql: "ALTER TABLE customers ADD CONSTRAINT customers_email_nn NOT NULL email NOT VALID" },
  { sql: "ALTER TABLE products VALIDATE CONSTRAINT products_sku_nn" },
  { sql: "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nv_fk" },
  { sql: "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk" },
  { sql: "ALTER TABLE customers VALIDATE CONSTRAINT customers_status_nn" },
  { sql: "ALTER TABLE orders DROP CONSTRAINT orders_total_check" },
  { sql: "ALTER TABLE orders DROP CONSTRAINT orders_customer_fk" },
  { sql: "CREATE INDEX ix_customers_name ON customers (name)" },
  { sql: "CREATE UNIQUE INDEX ux_orders_label ON orders (id, label)" },
  { sql: "CREATE INDEX ix_events_at ON events (at)" },
  { sql: "DROP INDEX ix_customers_email" },
  { sql: "REINDEX INDEX ix_customers_email" },
  { sql: "REINDEX TABLE orders" },
  { sql: "ALTER TABLE customers RENAME TO clients", renames: { clients: "customers" } },
  { sql: "ALTER INDEX ix_customers_email RENAME TO ix_customers_mail", renames: { ix_customers_mail: "ix_customers_email" } },
  { sql: "CREATE TYPE colour AS ENUM ('red', 'green')" },
  { sql: "ALTER TYPE mood ADD VALUE 'calm'" },
  { sql: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'" },
  { sql: "ALTER SEQUENCE order_numbers OWNED BY orders.id" },
  { sql: "ALTER SEQUENCE order_numbers OWNED BY NONE" },
  { sql: "ALTER SEQUENCE order_numbers INCREMENT BY 5" },
  { sql: "CREATE SEQUENCE order_ids OWNED BY orders.id" },
  { sql: "ALTER SEQUENCE order_numbers RENAME TO order_ids", renames: { order_ids: "order_numbers" } },
  { sql: "ALTER SEQUENCE order_numbers OWNER TO CURRENT_USER" },
  { sql: "DROP SEQUENCE order_numbers" },
  { sql: "DROP SEQUENCE order_numbers CASCADE", prep: "CREATE TABLE tickets (id bigint DEFAULT nextval('order_numbers'))" },
  { sql: "CREATE STATISTICS st_customers ON email, name FROM customers" },
  { sql: "DROP STATISTICS st_customers", prep: "CREATE STATISTICS st_customers ON email, name FROM customers" },
  { sql: "ALTER POLICY customers_own ON customers RENAME TO customers_mine", prep: "CREATE POLICY customers_own ON customers USING (true)" },
  { sql: "ALTER RULE products_quiet ON products RENAME TO products_silent", prep: "CREATE RULE products_quiet AS ON INSERT TO products DO ALSO NOTHING" },
  { sql: "TRUNCATE products" },
  { sql: "TRUNCATE tags CASCADE" },
  { sql: "TRUNCATE customers CASCADE" },
  { sql: "UPDATE products SET sku = upper(sku)" },
  { sql: "DELETE FROM products WHERE sku LIKE 'p1%'" },
  { sql: "INSERT INTO orders (id, customer_id, total) VALUES (100000, 1, 5)" },
  { sql: "UPDATE orders SET customer_id = 2 WHERE id = 1", prep: "SET LOCAL enable_seqscan = off" },
  // enable_seqscan = off: the planner would scan tables this small even with an index; make it plan as for a big table
  { sql: "DELETE FROM customers WHERE id = 5000", prep: "SET LOCAL enable_seqscan = off; INSERT INTO customers (id, status) VALUES (5000, 'new')" },
  { sql: "DELETE FROM tags WHERE id = 350", prep: "SET LOCAL enable_seqscan = off" },
  // a referenced key changed: tag_links and tag_votes (no index on their key) are read for rows that still point at it
  { sql: "UPDATE tags SET id = id + 1000 WHERE id = 350", prep: "SET LOCAL enable_seqscan = off" },
  { sql: "CLUSTER customers USING customers_pkey" },
  { sql: "REFRESH MATERIALIZED VIEW customer_status" },
  { sql: "REFRESH MATERIALIZED VIEW CONCURRENTLY customer_status" },
  { sql: "REFRESH MATERIALIZED VIEW customer_status WITH NO DATA" },
  // partitioned tables: the ALTER TABLE forms recurse to the partitions, which hold the rows (issue 18)
  { sql: "ALTER TABLE events ADD COLUMN source text DEFAULT 'web'" },
  { sql: "ALTER TABLE events ADD COLUMN token double precision DEFAULT random()" },
  { sql: "ALTER TABLE events ALTER COLUMN id SET NOT NULL" },
  { sql: "ALTER TABLE events ADD CONSTRAINT events_id_positive CHECK (id > 0)" },
  { sql: "CREATE INDEX ix_events_at_only ON ONLY events (at)" },
  { sql: "ALTER INDEX ix_events_id ATTACH PARTITION ix_events_2024_id" },
  { sql: "ALTER TABLE events ALTER COLUMN id TYPE numeric" },
  { sql: "ALTER TABLE events DROP COLUMN id" },
  { sql: "ALTER TABLE events ALTER COLUMN id SET DEFAULT 1" },
  { sql: "ALTER TABLE events ADD CONSTRAINT events_id_small CHECK (id < 1000000) NOT VALID" },
  { sql: "ALTER TABLE events VALIDATE CONSTRAINT events_id_checked" },
  { sql: "ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (id) REFERENCES customers (id)" },
  { sql: "ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (id) REFERENCES customers (id) NOT VALID" },
  { sql: "CREATE TRIGGER events_audit AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()" },
  { sql: "TRUNCATE events" },
  { sql: "ALTER TABLE events RENAME COLUMN id TO ident" },
  { sql: "ALTER TABLE events ADD PRIMARY KEY (id, at)" },
  { sql: "DROP INDEX ix_events_id" },
  { sql: "ANALYZE events" },
  { sql: "ALTER TABLE heirs RENAME COLUMN name TO full_name" },
  { sql: "UPDATE events SET id = 1" },
  { sql: "DELETE FROM events" },
  { sql: "LOCK TABLE events IN SHARE MODE" },
  { sql: "LOCK TABLE ONLY events IN SHARE MODE" },
  // inheritance: ALTER TABLE, TRUNCATE and LOCK TABLE reach the children (heir_kids) unless ONLY / NO INHERIT (issue 18)
  { sql: "ALTER TABLE heirs ADD COLUMN nickname text DEFAULT 'x'" },
  { sql: "ALTER TABLE heirs ADD COLUMN token double precision DEFAULT random()" },
  { sql: "ALTER TABLE heirs DROP COLUMN id" },
  { sql: "ALTER TABLE heirs ALTER COLUMN name TYPE varchar(50)" },
  { sql: 'ALTER TABLE heirs ALTER COLUMN name TYPE text COLLATE "C"' },
  { sql: "ALTER TABLE heirs ALTER COLUMN name SET NOT NULL" },
  { sql: "ALTER TABLE heirs ADD CONSTRAINT heirs_id_check CHECK (id > 0)" },
  { sql: "ALTER TABLE heirs ADD CONSTRAINT heirs_id_check CHECK (id > 0) NO INHERIT" },
  { sql: "TRUNCATE heirs" },
  { sql: "TRUNCATE ONLY heirs" },
  { sql: "LOCK TABLE heirs IN SHARE MODE" },
  { sql: "LOCK TABLE ONLY heirs IN SHARE MODE" },
  { sql: "DROP TABLE heirs CASCADE" },
  { sql: "DROP VIEW heir_names" },
  { sql: "ALTER TABLE heirs DROP COLUMN tag CASCADE" },
  { sql: "ALTER TABLE heirs DROP COLUMN name CASCADE" },
  // a view: its tables and views are locked in the same mode, recursively
  { sql: "LOCK TABLE big_customer_orders", prep: VIEWS },
  { sql: "LOCK TABLE big_orders IN ROW EXCLUSIVE MODE", prep: VIEWS.split(";")[0] },
  // IF NOT EXISTS on what exists
  { sql: "CREATE TABLE IF NOT EXISTS customers (id bigint)" },
  { sql: "CREATE INDEX IF NOT EXISTS ix_customers_email ON customers (email)" },
  { sql: "ALTER TABLE customers ADD COLUMN IF NOT EXISTS name text" },
  // policies and rules
  { sql: "CREATE POLICY customers_own ON customers USING (true)" },
  { sql: "ALTER POLICY customers_own ON customers USING (false)", prep: "CREATE POLICY customers_own ON customers USING (true)" },
  { sql: "DROP POLICY customers_own ON customers", prep: "CREATE POLICY customers_own ON customers USING (true)" },
  { sql: "CREATE RULE products_quiet AS ON INSERT TO products DO ALSO NOTHING" },
  { sql: "DROP RULE products_quiet ON products", prep: "CREATE RULE products_quiet AS ON INSERT TO products DO ALSO NOTHING" },
  { sql: "REVOKE SELECT ON customers FROM PUBLIC" },
  // DML: a scan without WHERE, none by key (enable_seqscan = off: plan as for a big table)
  { sql: "UPDATE products SET sku = 'x'" },
  { sql: "DELETE FROM products" },
  { sql: "UPDATE customers SET name = 'x' WHERE id = 3", prep: "SET LOCAL enable_seqscan = off" },
  { sql: "DELETE FROM products WHERE id = 3", prep: "SET LOCAL enable_seqscan = off" },
  // a DELETE in a WITH clause deletes too
  { sql: "WITH gone AS (DELETE FROM products WHERE id = 3 RETURNING id) INSERT INTO tags SELECT id + 10000 FROM gone", prep: "SET LOCAL enable_seqscan = off" },
  // binary-compatible type changes: the same type, a collation (an index on the column is rebuilt), timestamptz -> timestamp in UTC
  { sql: "ALTER TABLE customers ALTER COLUMN name TYPE text" },
  { sql: 'ALTER TABLE customers ALTER COLUMN name TYPE text COLLATE "C"' },
  { sql: 'ALTER TABLE customers ALTER COLUMN email TYPE varchar(100) COLLATE "C"' },
  { sql: "ALTER TABLE events_2025 ALTER COLUMN at TYPE timestamp", prep: "SET LOCAL timezone = 'UTC'" },
  {
    sql: "ALTER TABLE customers ALTER COLUMN born TYPE timestamptz",
    prep: "SET LOCAL timezone = 'UTC'; CREATE INDEX ix_customers_born ON customers (born)",
  },
  // citext: binary casts from and to varchar / text, a new operator class (the index on the column is rebuilt; also measured on PostgreSQL 15.18)
  { sql: "ALTER TABLE customers ALTER COLUMN email TYPE citext", prep: "CREATE EXTENSION citext" },
  { sql: "ALTER TABLE customers ALTER COLUMN name TYPE citext", prep: "CREATE EXTENSION citext" },
  { sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
  { sql: "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" },
  { sql: "ALTER TABLE events DETACH PARTITION events_2024" },
  { sql: "ALTER TABLE products SET UNLOGGED" },
  { sql: "ALTER TABLE products SET (fillfactor = 70)" },
  { sql: "ALTER TABLE customers ALTER COLUMN email SET STATISTICS 500" },
  { sql: "ANALYZE customers" },
  { sql: "CREATE VIEW active_customers AS SELECT * FROM customers WHERE status = 's1'" },
  { sql: "SELECT * FROM customers WHERE id = 1 FOR UPDATE", prep: "SET LOCAL enable_seqscan = off" },
  // reads: by key no table read in full (enable_seqscan = off: plan as for a big table); a view's tables are read; a join reads its target; WITH NO DATA reads nothing
  { sql: "SELECT * FROM customers WHERE id = 1", prep: "SET LOCAL enable_seqscan = off" },
  { sql: "SELECT * FROM customers WHERE name = 'x'", prep: "SET LOCAL enable_seqscan = off" },
  { sql: "SELECT * FROM big_orders", prep: VIEWS.split(";")[0] },
  { sql: "INSERT INTO big_orders (id, customer_id, total) VALUES (100000, 1, 500)", prep: VIEWS.split(";")[0] },
  { sql: "CREATE TABLE big_orders_copy AS SELECT * FROM big_orders", prep: VIEWS.split(";")[0] },
  { sql: "UPDATE orders o SET total = 0 FROM customers c WHERE c.id = o.customer_id" },
  { sql: "DELETE FROM orders USING customers WHERE customers.id = orders.customer_id AND customers.status = 's1'" },
  { sql: "CREATE TABLE orders_shape AS SELECT * FROM orders WITH NO DATA" },
  { sql: "CREATE MATERIALIZED VIEW order_ids AS SELECT id FROM orders WITH NO DATA" },
  { sql: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0)" },
  { sql: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID" },
  { sql: "ALTER DOMAIN quantity SET NOT NULL" },
  { sql: "DROP TYPE mood" },
  { sql: "DROP DOMAIN quantity CASCADE" },
  { sql: "DROP SCHEMA archive CASCADE", prep: "CREATE SCHEMA archive; CREATE TABLE archive.notes (id int)" },
  {
    sql: "ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive",
    prep: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID",
  },
  // a column of a domain with a CHECK: every row is checked and rewritten, with or without a default
  { sql: "ALTER TABLE customers ADD COLUMN score positive_int", prep: "CREATE DOMAIN positive_int AS int CHECK (VALUE > 0)" },
  { sql: "ALTER TABLE customers ADD COLUMN score positive_int DEFAULT 1", prep: "CREATE DOMAIN positive_int AS int CHECK (VALUE > 0)" },
  { sql: "LOCK TABLE products" },
  { sql: "LOCK TABLE products IN SHARE MODE" },
  { sql: "CREATE TRIGGER products_audit AFTER INSERT ON products FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()" },
  { sql: "DROP TRIGGER products_touch ON products" },
  // IF EXISTS of an absent trigger or policy (on a table the script declared): nothing locked; of one that exists: as without
  { sql: "DROP TRIGGER IF EXISTS no_such_trigger ON products" },
  { sql: "DROP TRIGGER IF EXISTS products_touch ON products" },
  { sql: "DROP POLICY IF EXISTS no_such_policy ON customers" },
  { sql: "ALTER TABLE products DISABLE TRIGGER products_touch" },
  { sql: "COMMENT ON TABLE customers IS 'people who buy'" },
  { sql: "COMMENT ON COLUMN customers.email IS 'login'" },
  { sql: "COMMENT ON CONSTRAINT orders_customer_fk ON orders IS 'buyer'" },
  { sql: "COMMENT ON TRIGGER products_touch ON products IS 'touch'" },
  { sql: "COMMENT ON TYPE mood IS 'how it feels'" },
  { sql: "COMMENT ON DOMAIN quantity IS 'how many'" },
  { sql: "GRANT SELECT ON customers TO PUBLIC" },
  { sql: "SET lock_timeout = '2s'" },
  { sql: "CREATE TABLE vip_customers () INHERITS (customers)" },
  { sql: "CREATE TABLE customers_copy (LIKE customers)" },
  { sql: "CREATE OR REPLACE VIEW recent_orders AS SELECT id, total FROM orders", prep: "CREATE VIEW recent_orders AS SELECT id, total FROM orders" },
  { sql: "CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id" },
  { sql: "CREATE TABLE customers_backup AS SELECT * FROM customers" },
  { sql: "DROP TABLE customers CASCADE" },
  { sql: "DROP TABLE events_2024" },
  { sql: "DROP TABLE events" },
  { sql: "ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1 REFERENCES customers (id)" },
  { sql: "ALTER TABLE tags DROP CONSTRAINT tags_pkey CASCADE" },
  { sql: "ALTER TABLE products SET SCHEMA archive", prep: "CREATE SCHEMA archive", renames: { "archive.products": "products" } },
  { sql: "UPDATE products SET sku = (SELECT max(name) FROM customers)" },
  { sql: "DELETE FROM products WHERE sku IN (SELECT name FROM customers)" },
  { sql: "INSERT INTO orders (id, customer_id, total) SELECT id + 1000, id, 0 FROM customers" },
  { sql: "SELECT count(*) FROM orders" },
  { sql: "COMMENT ON INDEX ix_customers_email IS 'login lookups'" },
  { sql: "ALTER TABLE products SET LOGGED", prep: "ALTER TABLE products SET UNLOGGED" },
  // where the table is already: nothing moved, no rewrite (a real move copies the files, no rows read: PostgreSQL 15.18 with a second tablespace)
  { sql: "ALTER TABLE products SET TABLESPACE pg_default" },
  { sql: "ALTER TABLE products SET ACCESS METHOD heap" },
  {
    sql: "ALTER TABLE customers ALTER COLUMN doubled SET EXPRESSION AS (balance * 3)",
    prep: "ALTER TABLE customers ADD COLUMN doubled numeric GENERATED ALWAYS AS (balance * 2) STORED",
  },
  {
    // on a table without CHECK constraints: PostgreSQL 18 refuses SET EXPRESSION of a virtual column where there are some
    sql: "ALTER TABLE products ALTER COLUMN doubled_id SET EXPRESSION AS (id * 3)",
    prep: "ALTER TABLE products ADD COLUMN doubled_id bigint GENERATED ALWAYS AS (id * 2) VIRTUAL",
  },
  { sql: "ALTER TABLE products SET (user_catalog_table = true)" },
  { sql: "ALTER TABLE products RESET (user_catalog_table)" },
  { sql: "ALTER TABLE customers ALTER COLUMN email SET (n_distinct = 100)" },
  { sql: "ALTER TABLE customers ALTER COLUMN name SET STORAGE EXTERNAL" },
  { sql: "ALTER TABLE customers CLUSTER ON customers_pkey" },
  { sql: "ALTER TABLE customers SET WITHOUT CLUSTER" },
  { sql: "ALTER TABLE orders ALTER CONSTRAINT orders_customer_fk DEFERRABLE" },
  { sql: "ALTER TABLE products OWNER TO CURRENT_USER" },
  { sql: "ALTER TABLE tags ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY" },
  { sql: "ALTER TABLE tags ALTER COLUMN id SET INCREMENT BY 2", prep: "ALTER TABLE tags ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY" },
  { sql: "ALTER TABLE tags ALTER COLUMN id DROP IDENTITY", prep: "ALTER TABLE tags ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY" },
  {
    sql: "ALTER TABLE customers ALTER COLUMN doubled DROP EXPRESSION",
    prep: "ALTER TABLE customers ADD COLUMN doubled numeric GENERATED ALWAYS AS (balance * 2) STORED",
  },
  { sql: "ALTER TABLE customers ALTER COLUMN name SET COMPRESSION pglz" },
  { sql: "ALTER TABLE customers REPLICA IDENTITY FULL" },
  { sql: "ALTER TABLE customers ENABLE ROW LEVEL SECURITY" },
  { sql: "ALTER TABLE products DISABLE RULE products_ignore", prep: "CREATE RULE products_ignore AS ON INSERT TO products DO ALSO NOTHING" },
  { sql: "ALTER TABLE events_2026 INHERIT events_2025" },
  { sql: "ALTER TABLE heir_kids NO INHERIT heirs" },
  { sql: "ALTER INDEX ix_customers_email SET (fillfactor = 50)" },
  { sql: "ALTER INDEX ix_customers_email SET (deduplicate_items = off)" },
  { sql: "ALTER INDEX ix_customers_email SET TABLESPACE pg_default" },
  { sql: "ALTER TRIGGER products_touch ON products RENAME TO products_touched" },
  { sql: "ALTER TABLE products OF product_row", prep: "CREATE TYPE product_row AS (id bigint, sku text)" },
  { sql: "ALTER TABLE customers ADD CONSTRAINT customers_email_nn2 NOT NULL email" },
];

/** Statement kinds PostgreSQL refuses inside a transaction block. */
export const NON_TRANSACTIONAL = [
  "CREATE INDEX CONCURRENTLY ix_customers_name ON customers (name)",
  "DROP INDEX CONCURRENTLY ix_customers_email",
  "REINDEX INDEX CONCURRENTLY ix_customers_email",
  "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY",
  "VACUUM FULL customers",
  "VACUUM customers",
  "VACUUM events",
  "CREATE INDEX CONCURRENTLY ix_events_id ON events (id)",
  "DROP INDEX CONCURRENTLY ix_not_in_this_script",
  // measured on PostgreSQL 15.18 (test/truth): SHARE UPDATE EXCLUSIVE on the table, nothing built
  "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_email ON customers (email)",
];

/** The fixture's one statement older servers refuse (a NOT NULL constraint added NOT VALID: PostgreSQL 18). */
const NOT_NULL_NOT_VALID = "ALTER TABLE products ADD CONSTRAINT products_sku_nn NOT NULL sku NOT VALID;\n";

/** The fixture as PostgreSQL `pgVersion` accepts it. */
export function fixtureFor(pgVersion: number): string {
  return since("notNullNotValid", pgVersion) ? FIXTURE : FIXTURE.replace(NOT_NULL_NOT_VALID, "");
}

/**
 * What changes at one version boundary (locks/versions.ts), shown by one statement on the fixture:
 * - a relation's `mode`, `rewrite` or `scan` (values `before` and `from` the boundary);
 * - `transactional`: whether PostgreSQL runs it inside a transaction block;
 * - `accepted`: whether the statement exists at all (older servers refuse it); what locklint says
 *   about it then is a rule's advice, checked by `advice`.
 */
export type BoundaryFact =
  | { aspect: "mode"; relation: string; before: LockMode | "no lock"; from: LockMode | "no lock" }
  | { aspect: "rewrite" | "scan"; relation: string; before: boolean; from: boolean }
  | { aspect: "transactional"; before: boolean; from: boolean }
  | { aspect: "accepted" };

export interface BoundaryCase extends EffectCase {
  feature: Feature;
  fact: BoundaryFact;
  /** A rule whose finding on `sql` changes at the boundary, and a phrase of its help (or its severity) on each side. */
  advice?: { rule: string; before: string; from: string };
}

/** One case per version boundary; test/versions.test.ts checks the predictions on both sides, test/integration/versions-servers.test.ts the servers. */
export const BOUNDARY_CASES: BoundaryCase[] = [
  {
    feature: "fastColumnDefault",
    sql: "ALTER TABLE customers ADD COLUMN flag boolean NOT NULL DEFAULT false",
    fact: { aspect: "rewrite", relation: "customers", before: true, from: false },
  },
  {
    feature: "setNotNullCheckProof",
    sql: "ALTER TABLE customers ALTER COLUMN status SET NOT NULL",
    fact: { aspect: "scan", relation: "customers", before: true, from: false },
  },
  {
    feature: "setNotNullCheckProof",
    sql: "ALTER TABLE customers ALTER COLUMN name SET NOT NULL",
    fact: { aspect: "scan", relation: "customers", before: true, from: true },
    advice: { rule: "setting-not-null", before: "Before PostgreSQL 12 SET NOT NULL always scans", from: "SET NOT NULL then skips the scan" },
  },
  { feature: "enumAddValueInTransaction", sql: "ALTER TYPE mood ADD VALUE 'calm'", fact: { aspect: "transactional", before: false, from: true } },
  {
    feature: "reindexConcurrently",
    sql: "REINDEX INDEX CONCURRENTLY ix_customers_email",
    fact: { aspect: "accepted" },
  },
  {
    feature: "reindexConcurrently",
    sql: "REINDEX INDEX ix_customers_email",
    fact: { aspect: "mode", relation: "ix_customers_email", before: "ACCESS EXCLUSIVE", from: "ACCESS EXCLUSIVE" },
    advice: { rule: "require-concurrent-reindex", before: "has no REINDEX CONCURRENTLY", from: "Rebuild concurrently" },
  },
  {
    feature: "renameIndexShareUpdateExclusive",
    sql: "ALTER INDEX ix_customers_email RENAME TO ix_customers_mail",
    renames: { ix_customers_mail: "ix_customers_email" },
    fact: { aspect: "mode", relation: "ix_customers_email", before: "ACCESS EXCLUSIVE", from: "SHARE UPDATE EXCLUSIVE" },
  },
  {
    feature: "attachPartitionShareUpdateExclusive",
    sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    fact: { aspect: "mode", relation: "events", before: "ACCESS EXCLUSIVE", from: "SHARE UPDATE EXCLUSIVE" },
  },
  {
    feature: "attachIndexShareUpdateExclusive",
    sql: "ALTER INDEX ix_events_id ATTACH PARTITION ix_events_2024_id",
    fact: { aspect: "mode", relation: "ix_events_id", before: "ACCESS EXCLUSIVE", from: "SHARE UPDATE EXCLUSIVE" },
  },
  {
    feature: "timestampTzUtcWithoutRewrite",
    sql: "ALTER TABLE customers ALTER COLUMN born TYPE timestamptz",
    prep: "SET LOCAL timezone = 'UTC'",
    fact: { aspect: "rewrite", relation: "customers", before: true, from: false },
  },
  {
    feature: "detachPartitionConcurrently",
    sql: "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY",
    fact: { aspect: "accepted" },
  },
  {
    feature: "detachPartitionConcurrently",
    sql: "ALTER TABLE events DETACH PARTITION events_2024",
    fact: { aspect: "mode", relation: "events", before: "ACCESS EXCLUSIVE", from: "ACCESS EXCLUSIVE" },
    advice: { rule: "require-concurrent-partition-detach", before: "warning", from: "error" },
  },
  {
    feature: "detachPartitionAccessExclusive",
    sql: "ALTER TABLE events DETACH PARTITION events_2024",
    fact: { aspect: "mode", relation: "events_2024", before: "SHARE UPDATE EXCLUSIVE", from: "ACCESS EXCLUSIVE" },
  },
  {
    feature: "setExpression",
    sql: "ALTER TABLE customers ALTER COLUMN doubled SET EXPRESSION AS (balance * 3)",
    prep: "ALTER TABLE customers ADD COLUMN doubled numeric GENERATED ALWAYS AS (balance * 2) STORED",
    fact: { aspect: "accepted" },
  },
  {
    feature: "notNullNotValid",
    sql: "ALTER TABLE customers ADD CONSTRAINT customers_email_nn NOT NULL email NOT VALID",
    fact: { aspect: "accepted" },
  },
  {
    feature: "notNullNotValid",
    sql: "ALTER TABLE customers ALTER COLUMN name SET NOT NULL",
    fact: { aspect: "scan", relation: "customers", before: true, from: true },
    advice: {
      rule: "setting-not-null",
      before: "Prove the column non-null with a CHECK constraint",
      from: "From PostgreSQL 18 a NOT NULL constraint can itself be added NOT VALID",
    },
  },
  {
    feature: "grantLocksTable",
    sql: "GRANT SELECT ON customers TO PUBLIC",
    fact: { aspect: "mode", relation: "customers", before: "no lock", from: "ACCESS SHARE" },
  },
  {
    feature: "grantLocksTable",
    sql: "REVOKE SELECT ON customers FROM PUBLIC",
    fact: { aspect: "mode", relation: "customers", before: "no lock", from: "ACCESS SHARE" },
  },
  {
    feature: "noInheritCheckLocksChildren",
    sql: "ALTER TABLE heirs ADD CONSTRAINT heirs_id_check CHECK (id > 0) NO INHERIT",
    fact: { aspect: "mode", relation: "heir_kids", before: "no lock", from: "ACCESS EXCLUSIVE" },
  },
  {
    feature: "virtualGeneratedColumns",
    sql: "ALTER TABLE customers ADD COLUMN tripled numeric GENERATED ALWAYS AS (balance * 3) VIRTUAL",
    fact: { aspect: "accepted" },
  },
];

/** The versions on each side of a feature's boundary: the one just below (none below the oldest accepted) and the first with it. */
export function sidesOf(feature: Feature): { before: number | null; from: number } {
  const from = FEATURES[feature];
  return { before: from - 1 >= OLDEST ? from - 1 : null, from };
}

/** locklint's prediction for a case: the fixture committed, then `prep` and `sql` in one transaction. */
export function predictedEffects(sql: string, prep = "", pgVersion = 18): StatementEffects {
  const script = `${fixtureFor(pgVersion)}\nBEGIN;\n${prep ? `${prep};\n` : ""}${sql};\nCOMMIT;\n`;
  const file = decodeSource("effects-case.sql", new TextEncoder().encode(script));
  const statements = analyze([file], { pgVersion, rules: [], keepStatements: true }).analyzed;
  const found = statements.filter((s) => s.statement.sql === sql).pop();
  if (!found) throw new Error(`case not found after replay: ${sql}`);
  return found.effects;
}
