import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { loadParser } from "../src/sql/parse.js";
import { exampleFindings } from "../src/cli/rule-catalog.js";
import type { Finding } from "../src/lint/findings.js";
import { analyzeText } from "./support/analyze-text.js";

/** Findings of one rule for a script (run through the whole pipeline). */
async function findings(rule: string, sql: string, pgVersion = 14): Promise<Finding[]> {
  return (await analyzeText(sql, { pgVersion, rules: RULES })).findings.filter((f) => f.rule === rule);
}

/** A table that existed before the migration (created and committed in an earlier revision). */
const EXISTING = `-- Running upgrade  -> base
BEGIN;
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name text, status text, age int, nick varchar(20), born timestamp, price numeric(10,2));
CREATE INDEX ix_users_email ON users (email);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);
CREATE TYPE mood AS ENUM ('happy', 'sad');
COMMIT;
-- Running upgrade base -> next
BEGIN;
`;

describe("every rule's documentation is a test", () => {
  for (const rule of RULES) {
    it(`${rule.id}: the example fires it`, async () => {
      await loadParser();
      expect(exampleFindings(rule).length).toBeGreaterThan(0);
    });
    it(`${rule.id}: the safe way does not`, async () => {
      await loadParser();
      expect(exampleFindings(rule, rule.docs.useInstead)).toEqual([]);
    });
    it(`${rule.id}: cites the PostgreSQL documentation`, () => {
      expect(rule.docs.references?.some((r) => r.startsWith("https://www.postgresql.org/docs/"))).toBe(true);
    });
  }
});

interface RuleCase {
  sql: string;
  /** Expected findings: [line, column, message fragment, severity?]; empty for a valid case. */
  expect: [number, number, string, ("error" | "warning")?][];
  pgVersion?: number;
}

/** `EXISTING` is 9 lines long, so a case's first statement is on line 10; findings on the preamble (hygiene rules) are not the case's. */
const EXISTING_LINES = 9;

/** Valid and invalid cases per rule. */
const CASES: Record<string, RuleCase[]> = {
  "require-concurrent-index-creation": [
    { sql: "CREATE INDEX ix_users_name ON users (name);", expect: [[10, 1, "SHARE lock", "error"]] },
    { sql: "CREATE UNIQUE INDEX ux_users_nick ON users (nick);", expect: [[10, 1, "writes to users wait"]] },
    { sql: "CREATE TABLE t (a int);\nCREATE INDEX ix_t_a ON t (a);", expect: [] },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_users_name ON users (name);\nBEGIN;", expect: [] },
  ],
  "require-concurrent-index-deletion": [
    { sql: "DROP INDEX ix_users_email;", expect: [[10, 1, "ix_users_email", "warning"]] },
    { sql: "CREATE INDEX ix_new ON orders (total);\nDROP INDEX ix_new;", expect: [] },
  ],
  "concurrent-index-in-transaction": [
    { sql: "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);", expect: [[10, 1, "cannot run inside a transaction block", "error"]] },
    { sql: "DROP INDEX CONCURRENTLY ix_users_email;", expect: [[10, 1, "DROP INDEX CONCURRENTLY"]] },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_users_name ON users (name);\nBEGIN;", expect: [] },
  ],
  "adding-required-field": [
    { sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL;", expect: [[10, 30, "NOT NULL column plan", "error"]] },
    { sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';", expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN plan text;", expect: [] },
    { sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;", expect: [] },
  ],
  "adding-field-with-volatile-default": [
    { sql: "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();", expect: [[10, 30, "rewrites existing table users", "error"]] },
    { sql: "ALTER TABLE users ADD COLUMN seq bigserial;", expect: [[10, 30, "rewrites"]] },
    { sql: "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();", expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN flag boolean DEFAULT false;", pgVersion: 11, expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN x int DEFAULT my_func();", expect: [[10, 30, "rewrites", "warning"]] },
    { sql: "ALTER TABLE users ALTER COLUMN status SET DEFAULT gen_random_uuid()::text;", expect: [] },
  ],
  "changing-column-type": [
    { sql: "ALTER TABLE users ALTER COLUMN age TYPE bigint;", expect: [[10, 32, "rewrites the table", "error"]] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE varchar(10);", expect: [[10, 32, "rewrites"]] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE text;", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN born TYPE timestamptz;", expect: [[10, 32, "unless the session time zone is UTC", "error"]] },
    { sql: "SET LOCAL timezone = 'UTC';\nALTER TABLE users ALTER COLUMN born TYPE timestamptz;", expect: [] },
    { sql: "ALTER TABLE unknown_table ALTER COLUMN x TYPE text;", expect: [[10, 40, "may rewrite", "warning"]] },
  ],
  "setting-not-null": [
    { sql: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", expect: [[10, 1, "scans the whole table", "error"]] },
    { sql: "ALTER TABLE legacy ALTER COLUMN email SET NOT NULL;", expect: [[10, 1, "legacy was created before this script"]] },
    {
      sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      expect: [],
    },
    {
      sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      pgVersion: 11,
      expect: [[12, 1, "scans the whole table"]],
    },
  ],
  "constraint-missing-not-valid": [
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
      expect: [[10, 24, "validates every row", "error"]],
    },
    { sql: "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);", expect: [[10, 24, "CHECK constraint orders_total_check"]] },
    { sql: "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;", expect: [] },
    { sql: "ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES users (id);", expect: [] },
  ],
  "adding-unique-constraint": [
    { sql: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", expect: [[10, 23, "UNIQUE constraint users_email_key", "error"]] },
    { sql: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX ix_users_email;", expect: [] },
  ],
  "adding-primary-key": [
    { sql: "ALTER TABLE orders DROP CONSTRAINT orders_pkey;\nALTER TABLE orders ADD PRIMARY KEY (id);", expect: [[11, 24, "PRIMARY KEY"]] },
    { sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (a);", expect: [] },
  ],
  "renaming-column": [{ sql: "ALTER TABLE users RENAME COLUMN name TO full_name;", expect: [[10, 1, "name", "warning"]] }],
  "renaming-table": [{ sql: "ALTER TABLE users RENAME TO members;", expect: [[10, 1, "renaming users to members", "warning"]] }],
  "dropping-column": [
    { sql: "ALTER TABLE users DROP COLUMN nick;", expect: [[10, 1, "nick", "warning"]] },
    { sql: "CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;", expect: [] },
  ],
  "dropping-table": [
    { sql: "DROP TABLE orders;", expect: [[10, 1, "orders", "warning"]] },
    { sql: "CREATE TABLE t (a int);\nDROP TABLE t;", expect: [] },
  ],
  "require-lock-timeout": [
    { sql: "ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;", expect: [[10, 1, "no lock_timeout", "warning"]] },
    { sql: "SET lock_timeout = '3s';\nALTER TABLE users ADD COLUMN a text;", expect: [] },
    { sql: "SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN a text;", expect: [[11, 1, "no lock_timeout"]] },
    { sql: "CREATE INDEX ix_users_name ON users (name);", expect: [[10, 1, "SHARE on existing table users with no lock_timeout", "warning"]] },
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
      expect: [[10, 1, "SHARE ROW EXCLUSIVE on existing table", "warning"]],
    },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_users_name ON users (name);\nBEGIN;", expect: [] },
    { sql: "CREATE TABLE t (a int);\nCREATE INDEX ix_t ON t (a);", expect: [] },
  ],
  "require-concurrent-reindex": [
    { sql: "REINDEX INDEX ix_users_email;", expect: [[10, 1, "REINDEX INDEX ix_users_email", "error"]] },
    { sql: "REINDEX TABLE users;", pgVersion: 11, expect: [[10, 1, "REINDEX TABLE users"]] },
    { sql: "COMMIT;\nREINDEX INDEX CONCURRENTLY ix_users_email;\nBEGIN;", expect: [] },
    { sql: "CREATE TABLE t (a int);\nCREATE INDEX ix_t ON t (a);\nREINDEX TABLE t;", expect: [] },
  ],
  "require-concurrent-partition-detach": [
    { sql: "ALTER TABLE events DETACH PARTITION events_2023;", expect: [[10, 1, "ACCESS EXCLUSIVE on events", "error"]] },
    { sql: "ALTER TABLE events DETACH PARTITION events_2023;", pgVersion: 13, expect: [[10, 1, "ACCESS EXCLUSIVE on events", "warning"]] },
    { sql: "COMMIT;\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;\nBEGIN;", expect: [] },
  ],
  "require-concurrent-refresh": [
    { sql: "REFRESH MATERIALIZED VIEW totals;", expect: [[10, 1, "every read of the view waits", "error"]] },
    { sql: "REFRESH MATERIALIZED VIEW CONCURRENTLY totals;", expect: [] },
    { sql: "CREATE MATERIALIZED VIEW totals AS SELECT count(*) FROM users;\nREFRESH MATERIALIZED VIEW totals;", expect: [] },
  ],
  "adding-exclusion-constraint": [
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT orders_excl EXCLUDE USING btree (user_id WITH =);",
      expect: [[10, 1, "EXCLUDE constraint on existing table orders", "error"]],
    },
    { sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT t_excl EXCLUDE USING btree (a WITH =);", expect: [] },
  ],
  "rewriting-table": [
    { sql: "ALTER TABLE users SET UNLOGGED;", expect: [[10, 1, "SET UNLOGGED rewrites users", "error"]] },
    { sql: "ALTER TABLE users SET LOGGED;", expect: [] },
    { sql: "ALTER TABLE users SET (fillfactor = 80);", expect: [] },
  ],
  "prefer-repack": [
    { sql: "COMMIT;\nVACUUM FULL users;\nBEGIN;", expect: [[11, 1, "VACUUM FULL users rewrites", "error"]] },
    { sql: "CLUSTER users USING users_pkey;", expect: [[10, 1, "CLUSTER users"]] },
    { sql: "COMMIT;\nVACUUM users;\nBEGIN;", expect: [] },
  ],
  "attaching-partition-with-scan": [
    {
      sql: "CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\nCOMMIT;\nBEGIN;\nALTER TABLE ev ATTACH PARTITION users FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      expect: [[13, 1, "attaching users reads all its rows", "warning"]],
    },
  ],
  "ban-truncate-cascade": [
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nTRUNCATE users CASCADE;",
      expect: [[11, 1, "(orders)", "error"]],
    },
    { sql: "TRUNCATE users;", expect: [] },
  ],
  "truncating-table": [
    { sql: "TRUNCATE users;", expect: [[10, 1, "TRUNCATE users deletes every row", "warning"]] },
    { sql: "CREATE TABLE t (a int);\nTRUNCATE t;", expect: [] },
  ],
  "deleting-all-rows": [
    { sql: "DELETE FROM users;", expect: [[10, 1, "removes every row of users", "warning"]] },
    { sql: "DELETE FROM users WHERE id = 1;", expect: [] },
  ],
  "backfilling-in-migration": [
    { sql: "UPDATE users SET status = 'x';", expect: [[10, 1, "keeps every row locked", "warning"]] },
    { sql: "CREATE TABLE t (a int);\nUPDATE t SET a = 1;", expect: [] },
  ],
  "locking-table": [
    { sql: "LOCK TABLE users;", expect: [[10, 1, "blocks reads and writes", "warning"]] },
    { sql: "LOCK TABLE users IN SHARE MODE;", expect: [[10, 1, "blocks writes"]] },
    { sql: "LOCK TABLE users IN ROW EXCLUSIVE MODE;", expect: [] },
  ],
  "changing-trigger": [
    { sql: "DROP TRIGGER users_audit ON users;", expect: [[10, 1, "dropping a trigger of users takes ACCESS EXCLUSIVE", "warning"]] },
    { sql: "ALTER TABLE users DISABLE TRIGGER users_audit;", expect: [[10, 1, "SHARE ROW EXCLUSIVE"]] },
    { sql: "SET lock_timeout = '1s';\nDROP TRIGGER users_audit ON users;", expect: [] },
  ],
  "transaction-incompatible-statement": [
    { sql: "ALTER TYPE mood ADD VALUE 'calm';", pgVersion: 11, expect: [[10, 1, "ADD VALUE (before PostgreSQL 12)", "error"]] },
    { sql: "ALTER TYPE mood ADD VALUE 'calm';", pgVersion: 12, expect: [] },
    { sql: "REINDEX SCHEMA public;", expect: [[10, 1, "REINDEX SCHEMA"]] },
  ],
  "transaction-nesting": [
    { sql: "BEGIN;\nSELECT 1;", expect: [[10, 1, "BEGIN inside a transaction", "error"]] },
    { sql: "COMMIT;\nCOMMIT;\nBEGIN;", expect: [[11, 1, "COMMIT outside a transaction"]] },
    { sql: "SAVEPOINT s;\nRELEASE SAVEPOINT s;", expect: [] },
  ],
  "ban-uncommitted-transaction": [{ sql: "SELECT 1;", expect: [] }],
  "ban-duplicate-column-assignments": [
    { sql: "UPDATE users SET name = 'a', name = 'b' WHERE id = 1;", expect: [[10, 1, "assigns name more than once", "error"]] },
    { sql: "UPDATE users SET name = 'a', status = 'b' WHERE id = 1;", expect: [] },
  ],
  "dropping-database": [{ sql: "COMMIT;\nDROP DATABASE other;\nBEGIN;", expect: [[11, 1, "DROP DATABASE other", "error"]] }],
  "dropping-schema": [
    { sql: "DROP SCHEMA reports CASCADE;", expect: [[10, 1, "DROP SCHEMA reports CASCADE", "error"]] },
    { sql: "DROP SCHEMA reports;", expect: [] },
  ],
  "renaming-schema": [{ sql: "ALTER SCHEMA billing RENAME TO invoicing;", expect: [[10, 1, "renaming schema billing", "warning"]] }],
  "renaming-enum-value": [{ sql: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", expect: [[10, 1, "renaming value 'sad'", "warning"]] }],
  "adding-domain-constraint": [
    {
      sql: "CREATE DOMAIN qty AS int;\nCREATE TABLE stock (n qty);\nCOMMIT;\nBEGIN;\nALTER DOMAIN qty ADD CONSTRAINT qty_pos CHECK (VALUE > 0);",
      expect: [[14, 1, "(stock)", "warning"]],
    },
    { sql: "ALTER DOMAIN qty ADD CONSTRAINT qty_pos CHECK (VALUE > 0) NOT VALID;", expect: [] },
  ],
  "identifier-too-long": [
    { sql: `ALTER TABLE users ADD COLUMN ${"a".repeat(64)} int;`, expect: [[10, 30, "64 bytes long", "warning"]] },
    { sql: `ALTER TABLE users ADD COLUMN ${"é".repeat(32)} int;`, expect: [[10, 30, "64 bytes long"]] },
    { sql: `ALTER TABLE users ADD COLUMN ${"a".repeat(63)} int;`, expect: [] },
  ],
  "require-statement-timeout": [
    { sql: "ALTER TABLE users ADD COLUMN a int;", expect: [[10, 1, "no statement_timeout", "warning"]] },
    { sql: "SET statement_timeout = '1min';\nALTER TABLE users ADD COLUMN a int;", expect: [] },
  ],
  "ban-drop-not-null": [
    { sql: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;", expect: [[10, 1, "users.email may now be NULL", "warning"]] },
    { sql: "CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;", expect: [] },
  ],
  "require-enum-value-ordering": [
    { sql: "ALTER TYPE mood ADD VALUE 'calm';", expect: [[10, 1, "added at the end", "warning"]] },
    { sql: "ALTER TYPE mood ADD VALUE 'calm' BEFORE 'sad';", expect: [] },
  ],
  "creating-enum": [
    { sql: "CREATE TYPE size AS ENUM ('s', 'm');", expect: [[10, 1, "enum type size", "warning"]] },
    { sql: "CREATE TYPE pair AS (a int, b int);", expect: [] },
  ],
  "ban-char-field": [
    { sql: "CREATE TABLE t (id int, code char(2));", expect: [[10, 25, "t.code is char(n)", "warning"]] },
    { sql: "CREATE TABLE t (code text);", expect: [] },
  ],
  "prefer-text-field": [
    { sql: "ALTER TABLE users ADD COLUMN code varchar(2);", expect: [[10, 30, "users.code is varchar(2)", "warning"]] },
    { sql: "ALTER TABLE users ADD COLUMN code varchar;", expect: [] },
  ],
  "prefer-timestamptz": [
    { sql: "ALTER TABLE users ALTER COLUMN age TYPE timestamp USING now();", expect: [[10, 32, "users.age is timestamp", "warning"]] },
    { sql: "CREATE TABLE t (a timestamptz);", expect: [] },
  ],
  "prefer-bigint-over-int": [
    {
      sql: "CREATE TABLE t (a integer, b serial);",
      expect: [
        [10, 17, "t.a is integer", "warning"],
        [10, 28, "t.b is serial"],
      ],
    },
    { sql: "CREATE TABLE t (a bigint);", expect: [] },
  ],
  "prefer-bigint-over-smallint": [
    { sql: "CREATE TABLE t (a smallint);", expect: [[10, 17, "t.a is smallint", "warning"]] },
    { sql: "CREATE TABLE t (a int8);", expect: [] },
  ],
  "prefer-identity": [
    { sql: "CREATE TABLE t (a bigserial);", expect: [[10, 17, "t.a is bigserial", "warning"]] },
    { sql: "CREATE TABLE t (a bigint GENERATED ALWAYS AS IDENTITY);", expect: [] },
  ],
  "prefer-jsonb": [
    { sql: "CREATE TABLE t (a json);", expect: [[10, 17, "t.a is json", "warning"]] },
    { sql: "CREATE TABLE t (a jsonb);", expect: [] },
  ],
  "require-table-schema": [
    { sql: "CREATE TABLE t (a bigint);", expect: [[10, 1, "table t has no schema", "warning"]] },
    { sql: "CREATE TABLE app.t (a bigint);", expect: [] },
  ],
  "validate-in-same-transaction": [
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;",
      expect: [[11, 1, "while the ACCESS EXCLUSIVE lock taken at line 10 is still held", "warning"]],
    },
    { sql: "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT c;", expect: [] },
  ],
  "lock-held-during-slow-statement": [
    {
      sql: "ALTER TABLE users ADD COLUMN x int;\nCREATE INDEX ix_orders_total ON orders (total);",
      expect: [[11, 1, "ACCESS EXCLUSIVE on users, taken at line 10", "warning"]],
    },
    { sql: "CREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE users ADD COLUMN x int;", expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN x int;\nALTER TABLE users ADD COLUMN y uuid DEFAULT gen_random_uuid();", expect: [] },
  ],
  "foreign-key-without-index": [
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
      expect: [[10, 24, "no index on orders (user_id), an existing table", "warning"]],
    },
    { sql: "ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES users (id);", expect: [[10, 48, "no index on orders (coupon_id)"]] },
    { sql: "CREATE TABLE items (id int, order_id bigint REFERENCES orders (id));", expect: [] },
    {
      sql: "CREATE INDEX ix_orders_user ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
      expect: [],
    },
  ],
  "excessive-lock-timeout": [
    { sql: "SET lock_timeout = '1min';\nALTER TABLE users ADD COLUMN a int;", expect: [[11, 1, "lock_timeout is 1min", "warning"]] },
    { sql: "SET lock_timeout = 30000;\nALTER TABLE users ADD COLUMN a int;", expect: [[11, 1, "lock_timeout is 30000"]] },
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN a int;", expect: [] },
  ],
  "multiple-alter-table": [
    {
      sql: "ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE users ADD COLUMN c int;",
      expect: [[11, 1, "another ALTER TABLE users (line 10)", "warning"]],
    },
    { sql: "ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;\nALTER TABLE orders ADD COLUMN c int;", expect: [] },
  ],
  "wide-index": [
    { sql: "CREATE INDEX ix_w ON users (a, b, c, d);", expect: [[10, 1, "index on 4 columns", "warning"]] },
    { sql: "CREATE UNIQUE INDEX ux_w ON users (a, b, c, d);", expect: [] },
  ],
  "prefer-robust-stmts": [
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_u ON users (name);\nBEGIN;", expect: [[11, 1, "without IF NOT EXISTS", "warning"]] },
    { sql: "COMMIT;\nDROP INDEX CONCURRENTLY ix_users_email;\nBEGIN;", expect: [[11, 1, "without IF EXISTS"]] },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_u ON users (name);\nBEGIN;", expect: [] },
    { sql: "CREATE INDEX ix_u ON users (name);", expect: [] },
  ],
  "lock-upgrade": [
    {
      sql: "CREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN note text;",
      expect: [[11, 1, "orders is locked SHARE at line 10, then ACCESS EXCLUSIVE", "warning"]],
    },
    { sql: "ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '';", expect: [] },
    { sql: "ALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", expect: [] },
    { sql: "CREATE TABLE t (a int);\nCREATE INDEX ix_t ON t (a);\nALTER TABLE t ADD COLUMN b int;", expect: [] },
  ],
  "revisions-share-transaction": [
    {
      sql: "ALTER TABLE orders ADD COLUMN note text;\n-- Running upgrade next -> later\nSELECT 1;",
      expect: [[12, 1, "revision later runs in the same transaction as revision next", "warning"]],
    },
    { sql: "ALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\n-- Running upgrade next -> later\nSELECT 1;", expect: [] },
  ],
  "lock-order": [
    {
      sql: "CREATE INDEX ix_o ON orders (total);\nALTER TABLE users ADD COLUMN x int;\nALTER TABLE orders ADD COLUMN note text;",
      expect: [
        [
          12,
          1,
          "takes ACCESS EXCLUSIVE on orders (held SHARE since line 10) while the transaction holds ACCESS EXCLUSIVE on users, locked after orders at line 11",
          "warning",
        ],
      ],
    },
    {
      // both tables already held: the second statement takes no new lock, so it waits for nothing
      sql: "ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE users ADD CONSTRAINT u_fk FOREIGN KEY (age) REFERENCES orders (id) NOT VALID;",
      expect: [],
    },
    {
      sql: "ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders ADD CONSTRAINT o_fk2 FOREIGN KEY (total) REFERENCES users (id) NOT VALID;",
      expect: [],
    },
  ],
  "unused-ignore": [
    { sql: "-- locklint-ignore: dropping-table\nCREATE INDEX ix_u ON users (name);", expect: [[10, 1, "silences nothing", "warning"]] },
    { sql: "-- locklint-ignore: require-concurrent-index-creation\nCREATE INDEX ix_u ON users (name);", expect: [] },
    { sql: "-- squawk-ignore require-concurrent-index-creation\nCREATE INDEX ix_u ON users (name);", expect: [] },
  ],
  "alembic-offline-failure": [
    {
      sql: '-- locklint offline failure: {"direction": "upgrade", "revision": "next", "file": "/p/versions/next.py", "line": 18, "error": "AttributeError: \'NoneType\' object has no attribute \'fetchall\'"}',
      expect: [
        [
          10,
          1,
          "revision next: upgrade() (line 18) fails in offline mode: AttributeError: 'NoneType' object has no attribute 'fetchall'; its statements after the failing line are not linted",
          "error",
        ],
      ],
    },
    {
      sql: '-- locklint offline failure: {"direction": "downgrade", "revision": "next", "file": null, "line": null, "error": "KeyError: 1", "fatal": true}',
      expect: [[10, 1, "downgrade() fails in offline mode: KeyError: 1; alembic stopped here"]],
    },
    { sql: "-- locklint offline failure: not json\n-- the locklint offline failure: {}\nSELECT 1;", expect: [] },
  ],
  "syntax-error": [
    {
      sql: "ALTER TABLE users ADD COLUMN x text DEFALT '';\nCREATE INDEX ix_users_name ON users (name);",
      expect: [[10, 37, 'syntax error at or near "DEFALT"', "error"]],
    },
    { sql: "SELECT 'é' ; SELEC 1;", expect: [[10, 14, 'syntax error at or near "SELEC"']] },
  ],
};

describe("rule cases", () => {
  it("covers every rule", () => {
    // rules that need table sizes have their cases in test/estimates.test.ts
    const elsewhere = ["lock-budget"];
    expect([...Object.keys(CASES), ...elsewhere].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const [rule, cases] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const c of cases) {
        const title = `${c.expect.length ? "reports" : "accepts"} ${c.sql.replace(/\n/g, " ")}${c.pgVersion ? ` (PostgreSQL ${c.pgVersion})` : ""}`;
        it(title, async () => {
          const fromCase = (await findings(rule, `${EXISTING}${c.sql}\nCOMMIT;\n`, c.pgVersion)).filter((f) => f.line > EXISTING_LINES);
          expect(fromCase.map((f) => [f.line, f.column])).toEqual(c.expect.map(([line, column]) => [line, column]));
          c.expect.forEach(([, , fragment, severity], i) => {
            expect(fromCase[i]!.message).toContain(fragment);
            if (severity) expect(fromCase[i]!.severity).toBe(severity);
            if (!c.sql.includes("-- Running")) expect(fromCase[i]!.revision?.id).toBe("next");
          });
        });
      }
    });
  }
});

describe("ignore comments", () => {
  it("silence the rules they name for the next statement only; a bare one silences every rule", async () => {
    const sql = `${EXISTING}-- locklint-ignore: require-concurrent-index-creation\nCREATE INDEX ix_a ON users (name);\nCREATE INDEX ix_b ON users (name);\n-- locklint-ignore\nALTER TABLE users ALTER COLUMN age TYPE bigint;\nCOMMIT;\n`;
    const got = (await analyzeText(sql)).findings.filter((f) => f.line > EXISTING_LINES);
    // line 11: only the named rule is silenced (require-lock-timeout still reports its SHARE lock)
    expect(got.map((f) => [f.line, f.rule])).toEqual([
      [11, "require-lock-timeout"],
      [12, "require-concurrent-index-creation"],
    ]);
  });
});

describe("end of file", () => {
  it("ban-uncommitted-transaction reports at the BEGIN of a transaction the file leaves open", async () => {
    const got = await findings("ban-uncommitted-transaction", "SELECT 1;\nBEGIN;\nALTER TABLE t ADD COLUMN a int;\n");
    expect(got.map((f) => [f.line, f.column, f.severity])).toEqual([[2, 1, "error"]]);
    expect(got[0]!.message).toContain("still open at the end of the file");
  });
});

describe("help fits the case", () => {
  it("changing-column-type offers SET LOCAL timezone for timestamp to timestamptz, and widening for string limits", async () => {
    const [tz] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN born TYPE timestamptz;\nCOMMIT;\n`);
    expect(tz!.help.text).toContain("SET LOCAL timezone = 'UTC'");
    const [shrink] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN nick TYPE varchar(5);\nCOMMIT;\n`);
    expect(shrink!.help.text).toContain("widening varchar");
    const [int] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN age TYPE bigint;\nCOMMIT;\n`);
    expect(int!.help.text).not.toMatch(/timezone|widening/);
  });
});

describe("PostgreSQL versions", () => {
  it("setting-not-null suggests NOT NULL ... NOT VALID from 18, a CHECK from 12", async () => {
    const sql = `${EXISTING}ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;\n`;
    const [on18] = await findings("setting-not-null", sql, 18);
    expect(on18!.help.sql).toContain("ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID");
    const [on14] = await findings("setting-not-null", sql, 14);
    expect(on14!.help.sql).toContain("CHECK (email IS NOT NULL) NOT VALID");
  });

  it("before 11 every ADD COLUMN default rewrote; from 11 a constant one does not", async () => {
    // 11 is the oldest version locklint accepts: constants are instant there.
    expect(await findings("adding-field-with-volatile-default", `${EXISTING}ALTER TABLE users ADD COLUMN n int DEFAULT 0;\nCOMMIT;\n`, 11)).toEqual([]);
  });
  it("setting-not-null trusts a validated CHECK from 12 on", async () => {
    const sql = `${EXISTING}ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL);\nCOMMIT;\nBEGIN;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;\n`;
    expect(await findings("setting-not-null", sql, 12)).toEqual([]);
    expect((await findings("setting-not-null", sql, 11)).length).toBe(1);
  });
});
