import { describe, expect, it } from "vitest";
import { loadParser, parseFile } from "../src/sql/parse.js";
import { decodeSource } from "../src/sql/source.js";
import { operationsOf as readTree, type Operation } from "../src/sql/operations.js";

/**
 * What locklint reads each kind of statement as: the operations every later stage (locks, replay,
 * rules) works from. One table per family of statements; each row is real SQL as a migration writes it.
 */

/** The operations of each statement of a script, in order; a syntax error fails the test. */
async function operationsOf(sql: string): Promise<Operation[][]> {
  await loadParser();
  const parsed = parseFile(decodeSource("kinds.sql", new TextEncoder().encode(sql)));
  const found: Operation[][] = [];
  for (const batch of parsed.batches()) {
    for (const item of batch) {
      if (item.kind !== "statement") continue;
      if (item.statement.syntaxError) throw new Error(`${item.statement.sql}: ${item.statement.syntaxError.message}`);
      found.push(item.statement.operations);
    }
  }
  return found;
}

/** The one operation of a single statement. */
async function operationOf(sql: string): Promise<Operation> {
  const [operations] = await operationsOf(sql);
  expect(operations).toHaveLength(1);
  return operations![0]!;
}

/** Each statement's operations as `op: what` (what: the name locklint reports for kinds it does not model). */
async function named(statements: readonly string[]): Promise<string[]> {
  const all = await operationsOf(statements.map((s) => `${s};`).join("\n"));
  return all.map((operations) => operations.map((o) => ("what" in o ? `${o.op}: ${o.what}` : o.op)).join(", "));
}

describe("statements that take no lock on an existing table: named, locks empty", () => {
  const rows: [string, string][] = [
    ["CREATE TYPE r AS RANGE (subtype = int4)", "CREATE RANGE"],
    ["CREATE TYPE shell_t", "DEFINE"],
    ["CREATE ROLE r", "CREATE ROLE"],
    ["ALTER ROLE r WITH LOGIN", "ALTER ROLE"],
    ["ALTER ROLE r SET search_path = a", "ALTER ROLE SET"],
    ["GRANT r TO s", "GRANT ROLE"],
    ["ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r", "ALTER DEFAULT PRIVILEGES"],
    ["ALTER FUNCTION f() OWNER TO r", "ALTER OWNER"],
    ["ALTER FUNCTION f() IMMUTABLE", "ALTER FUNCTION"],
    ["CREATE CAST (int AS t) WITH INOUT", "CREATE CAST"],
    ["CREATE STATISTICS s ON a, b FROM t", "CREATE STATS"],
    ["EXPLAIN SELECT 1", "EXPLAIN"],
    ["SHOW search_path", "VARIABLE SHOW"],
    ["DISCARD ALL", "DISCARD"],
    ["CHECKPOINT", "CHECK POINT"],
    ["NOTIFY ch", "NOTIFY"],
    ["LISTEN ch", "LISTEN"],
    ["CALL p()", "CALL"],
    ["CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()", "CREATE EVENT TRIG"],
    ["ALTER EVENT TRIGGER e DISABLE", "ALTER EVENT TRIG"],
    ["CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "CREATE SUBSCRIPTION"],
    ["CREATE PUBLICATION p FOR ALL TABLES", "CREATE PUBLICATION"],
    ["ALTER PUBLICATION p ADD TABLE t", "ALTER PUBLICATION"],
    ["CREATE FOREIGN DATA WRAPPER w", "CREATE FDW"],
    ["CREATE SERVER s FOREIGN DATA WRAPPER w", "CREATE FOREIGN SERVER"],
    ["CREATE USER MAPPING FOR r SERVER s", "CREATE USER MAPPING"],
    ["CREATE TRANSFORM FOR int LANGUAGE plpython3u (FROM SQL WITH FUNCTION f(internal))", "CREATE TRANSFORM"],
    ["CREATE OPERATOR CLASS c FOR TYPE int USING btree AS OPERATOR 1 <", "CREATE OP CLASS"],
    ["CREATE CONVERSION c FOR 'LATIN1' TO 'UTF8' FROM f", "CREATE CONVERSION"],
    ["CREATE DATABASE d", "CREATEDB"],
    ["ALTER DATABASE d WITH CONNECTION LIMIT 5", "ALTER DATABASE"],
    ["ALTER DATABASE d SET work_mem = '1MB'", "ALTER DATABASE SET"],
    ["ALTER SYSTEM SET work_mem = '1MB'", "ALTER SYSTEM"],
    ["DEALLOCATE q", "DEALLOCATE"],
    ["PREPARE q AS SELECT 1", "PREPARE"],
    ["EXECUTE q", "EXECUTE"],
    ["DECLARE c CURSOR FOR SELECT 1", "DECLARE CURSOR"],
    ["CLOSE c", "CLOSE PORTAL"],
    ["FETCH c", "FETCH"],
    ["COPY t TO STDOUT", "COPY"],
    ["SET CONSTRAINTS ALL DEFERRED", "CONSTRAINTS SET"],
    ["REASSIGN OWNED BY a TO b", "REASSIGN OWNED"],
    ["DROP OWNED BY a", "DROP OWNED"],
    ["DROP ROLE r", "DROP ROLE"],
    ["CREATE LANGUAGE plfoo HANDLER h", "CREATE PLANG"],
    ["SECURITY LABEL ON TABLE t IS 'x'", "SEC LABEL"],
    ["LOAD 'lib'", "LOAD"],
    ["ALTER TYPE t SET SCHEMA s", "ALTER ... SET SCHEMA"],
    ["CREATE SEQUENCE sq", "CREATE SEQUENCE"],
    ["ALTER TYPE c ADD ATTRIBUTE b int", "ALTER TYPE"],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE FUNCTION"],
    ["CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'", "CREATE PROCEDURE"],
    ["CREATE EXTENSION e", "CREATE EXTENSION"],
    ["ALTER EXTENSION e UPDATE", "ALTER EXTENSION"],
    ["CREATE SCHEMA s", "CREATE SCHEMA"],
    ["CREATE TYPE c AS (a int)", "CREATE TYPE ... AS (composite type)"],
    ["CREATE DOMAIN d AS int", "CREATE DOMAIN"],
    ["ALTER DOMAIN d SET DEFAULT 1", "ALTER DOMAIN"],
    ["DROP FUNCTION f()", "DROP FUNCTION"],
    ["DROP SEQUENCE sq", "DROP SEQUENCE"],
    ["ALTER FUNCTION f() RENAME TO g", "RENAME FUNCTION"],
    ["GRANT SELECT ON ALL TABLES IN SCHEMA s TO r", "GRANT"],
    ["GRANT USAGE ON SCHEMA s TO r", "GRANT"],
  ];
  it("each kind by its own name", async () => {
    expect(await named(rows.map(([sql]) => sql))).toEqual(rows.map(([, what]) => `no-table-lock: ${what}`));
  });
});

describe("statements whose locks locklint does not model: an explicit unknown operation", () => {
  const rows: [string, string][] = [
    ["ALTER COLLATION c REFRESH VERSION", "ALTER COLLATION"],
    ["ALTER DATABASE d REFRESH COLLATION VERSION", "ALTER DATABASE REFRESH COLL"],
    ["ALTER EXTENSION e ADD FUNCTION f()", "ALTER EXTENSION CONTENTS"],
    ["ALTER FOREIGN DATA WRAPPER w OPTIONS (ADD a '1')", "ALTER FDW"],
    ["ALTER SERVER s VERSION '2'", "ALTER FOREIGN SERVER"],
    ["ALTER FUNCTION f() DEPENDS ON EXTENSION e", "ALTER OBJECT DEPENDS"],
    ["ALTER OPERATOR FAMILY f USING btree ADD OPERATOR 1 < (int, int)", "ALTER OP FAMILY"],
    ["ALTER OPERATOR = (int, int) SET (RESTRICT = eqsel)", "ALTER OPERATOR"],
    ["ALTER STATISTICS s SET STATISTICS 100", "ALTER STATS"],
    ["ALTER SUBSCRIPTION s DISABLE", "ALTER SUBSCRIPTION"],
    ["ALTER TEXT SEARCH CONFIGURATION c ADD MAPPING FOR word WITH simple", "ALTER TSCONFIGURATION"],
    ["ALTER TEXT SEARCH DICTIONARY d (StopWords = english)", "ALTER TSDICTIONARY"],
    ["ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b", "ALTER TABLE MOVE ALL"],
    ["ALTER TABLESPACE a SET (random_page_cost = 1)", "ALTER TABLE SPACE OPTIONS"],
    ["ALTER TYPE t SET (RECEIVE = r)", "ALTER TYPE"],
    ["ALTER USER MAPPING FOR r SERVER s OPTIONS (SET u 'x')", "ALTER USER MAPPING"],
    ["CREATE ACCESS METHOD a TYPE TABLE HANDLER h", "CREATE AM"],
    ["CREATE FOREIGN TABLE ft (a int) SERVER s", "CREATE FOREIGN TABLE"],
    ["CREATE OPERATOR FAMILY f USING btree", "CREATE OP FAMILY"],
    ["CREATE TABLESPACE ts LOCATION '/x'", "CREATE TABLE SPACE"],
    ["DROP SUBSCRIPTION s", "DROP SUBSCRIPTION"],
    ["DROP TABLESPACE ts", "DROP TABLE SPACE"],
    ["DROP USER MAPPING FOR r SERVER s", "DROP USER MAPPING"],
    ["IMPORT FOREIGN SCHEMA r FROM SERVER s INTO l", "IMPORT FOREIGN SCHEMA"],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE"],
    ["UNLISTEN ch", "UNLISTEN"],
    ["DO $$ BEGIN END $$", "DO block (its statements are not analysed)"],
  ];
  it("each kind by its own name", async () => {
    expect(await named(rows.map(([sql]) => sql))).toEqual(rows.map(([, what]) => `unknown: ${what}`));
  });
});

describe("ALTER TABLE forms without an operation of their own: named by form", () => {
  const rows: [string, string, string][] = [
    ["ALTER TABLE t ENABLE TRIGGER tr", "enable-disable-trigger", ""],
    ["ALTER TABLE t ENABLE ALWAYS TRIGGER tr", "enable-disable-trigger", ""],
    ["ALTER TABLE t ENABLE REPLICA TRIGGER tr", "enable-disable-trigger", ""],
    ["ALTER TABLE t DISABLE TRIGGER ALL", "enable-disable-trigger", ""],
    ["ALTER TABLE t ENABLE TRIGGER USER", "enable-disable-trigger", ""],
    ["ALTER TABLE t SET LOGGED", "SET LOGGED", "SET LOGGED"],
    ["ALTER TABLE t SET UNLOGGED", "SET UNLOGGED", "SET UNLOGGED"],
    ["ALTER TABLE t SET TABLESPACE fast", "SET TABLESPACE", "SET TABLESPACE"],
    ["ALTER TABLE t SET ACCESS METHOD heap", "SET ACCESS METHOD", "SET ACCESS METHOD"],
    ["ALTER TABLE t ALTER COLUMN c SET EXPRESSION AS (a + 1)", "ALTER COLUMN SET EXPRESSION", "ALTER COLUMN SET EXPRESSION"],
    ["ALTER TABLE t ALTER COLUMN c SET STATISTICS 100", "ALTER COLUMN SET STATISTICS", "ALTER COLUMN SET STATISTICS"],
    ["ALTER TABLE t ALTER COLUMN c SET (n_distinct = 10)", "ALTER COLUMN SET/RESET (attribute options)", "ALTER COLUMN SET/RESET (attribute options)"],
    ["ALTER TABLE t ALTER COLUMN c RESET (n_distinct)", "ALTER COLUMN SET/RESET (attribute options)", "ALTER COLUMN SET/RESET (attribute options)"],
    ["ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL", "ALTER COLUMN SET STORAGE", "ALTER COLUMN SET STORAGE"],
    ["ALTER TABLE t CLUSTER ON t_pkey", "CLUSTER ON", "CLUSTER ON"],
    ["ALTER TABLE t SET WITHOUT CLUSTER", "SET WITHOUT CLUSTER", "SET WITHOUT CLUSTER"],
    ["ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE", "ALTER CONSTRAINT", "ALTER CONSTRAINT"],
    ["ALTER TABLE t OWNER TO r", "OWNER TO", "OWNER TO"],
    ["ALTER TABLE t ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY", "ALTER COLUMN ADD GENERATED AS IDENTITY", "ALTER COLUMN ADD GENERATED AS IDENTITY"],
    ["ALTER TABLE t ALTER COLUMN c SET INCREMENT BY 2", "ALTER COLUMN SET (identity options)", "ALTER COLUMN SET (identity options)"],
    ["ALTER TABLE t ALTER COLUMN c DROP IDENTITY", "ALTER COLUMN DROP IDENTITY", "ALTER COLUMN DROP IDENTITY"],
    ["ALTER TABLE t ALTER COLUMN c DROP EXPRESSION", "ALTER COLUMN DROP EXPRESSION", "ALTER COLUMN DROP EXPRESSION"],
    ["ALTER TABLE t ALTER COLUMN c SET COMPRESSION lz4", "ALTER COLUMN SET COMPRESSION", "ALTER COLUMN SET COMPRESSION"],
    ["ALTER TABLE t REPLICA IDENTITY FULL", "REPLICA IDENTITY", "REPLICA IDENTITY"],
    ["ALTER TABLE t ENABLE ROW LEVEL SECURITY", "ROW LEVEL SECURITY", "ROW LEVEL SECURITY"],
    ["ALTER TABLE t DISABLE ROW LEVEL SECURITY", "ROW LEVEL SECURITY", "ROW LEVEL SECURITY"],
    ["ALTER TABLE t FORCE ROW LEVEL SECURITY", "ROW LEVEL SECURITY", "ROW LEVEL SECURITY"],
    ["ALTER TABLE t NO FORCE ROW LEVEL SECURITY", "ROW LEVEL SECURITY", "ROW LEVEL SECURITY"],
    ["ALTER TABLE t ENABLE RULE r", "ENABLE/DISABLE RULE", "ENABLE/DISABLE RULE"],
    ["ALTER TABLE t ENABLE ALWAYS RULE r", "ENABLE/DISABLE RULE", "ENABLE/DISABLE RULE"],
    ["ALTER TABLE t ENABLE REPLICA RULE r", "ENABLE/DISABLE RULE", "ENABLE/DISABLE RULE"],
    ["ALTER TABLE t DISABLE RULE r", "ENABLE/DISABLE RULE", "ENABLE/DISABLE RULE"],
    ["ALTER TABLE t INHERIT p", "INHERIT", "INHERIT"],
    ["ALTER TABLE t NO INHERIT p", "NO INHERIT", "NO INHERIT"],
    ["ALTER TABLE t OF some_type", "other", "AddOf"],
    ["ALTER TABLE t NOT OF", "other", "DropOf"],
    ["ALTER FOREIGN TABLE ft OPTIONS (ADD a '1')", "other", "GenericOptions"],
    ["ALTER FOREIGN TABLE ft ALTER COLUMN c OPTIONS (ADD a '1')", "other", "AlterColumnGenericOptions"],
    ["ALTER INDEX i SET (fillfactor = 70)", "SET (storage parameters)", "ALTER INDEX SET (storage parameters)"],
    ["ALTER TRIGGER tr ON t RENAME TO tr2", "ALTER TRIGGER RENAME", "ALTER TRIGGER RENAME"],
  ];
  it("each form with the name its lock facts are filed under", async () => {
    const all = await operationsOf(rows.map(([sql]) => `${sql};`).join("\n"));
    const got = all.map((operations) => operations.map((o) => (o.op === "alter-table-other" ? `${o.form} | ${o.what}` : o.op)).join(", "));
    expect(got).toEqual(rows.map(([, form, what]) => (what ? `${form} | ${what}` : form)));
  });

  it("SET and RESET of storage parameters name each parameter (toast. ones with their namespace)", async () => {
    expect(await operationOf("ALTER TABLE t SET (fillfactor = 70, toast.autovacuum_enabled = false)")).toMatchObject({
      op: "alter-table-other",
      form: "SET (storage parameters)",
      options: ["fillfactor", "toast.autovacuum_enabled"],
    });
    expect(await operationOf("ALTER TABLE t RESET (fillfactor)")).toMatchObject({ form: "RESET (storage parameters)", options: ["fillfactor"] });
  });

  it("several commands in one ALTER TABLE: one operation each, in order", async () => {
    const [operations] = await operationsOf("ALTER TABLE t ADD COLUMN a int, DROP COLUMN b, ALTER COLUMN c SET NOT NULL, ALTER COLUMN d DROP NOT NULL;");
    expect(operations!.map((o) => o.op)).toEqual(["add-column", "drop-column", "set-not-null", "drop-not-null"]);
  });
});

describe("statements with an operation of their own: what they name", () => {
  it("ALTER SEQUENCE is an alter-sequence (OWNED BY names the table it looks up); OWNER TO is parsed as ALTER TABLE and locks no table", async () => {
    expect(await named(["ALTER SEQUENCE sq RESTART", "ALTER SEQUENCE sq OWNER TO r", "ALTER SEQUENCE sq OWNED BY orders.id"])).toEqual([
      "alter-sequence",
      "no-table-lock: ALTER SEQUENCE",
      "alter-sequence",
    ]);
  });

  it("CREATE TABLE: kind, persistence, partitioning, inheritance, LIKE", async () => {
    const [temp, unlogged, partitioned, partition, inherits, like] = await operationsOf(
      [
        "CREATE TEMP TABLE scratch (a int);",
        "CREATE UNLOGGED TABLE cache (a int);",
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);",
        "CREATE TABLE events_old PARTITION OF events DEFAULT;",
        "CREATE TABLE child (extra int) INHERITS (parent);",
        "CREATE TABLE copy (LIKE sales.orders INCLUDING ALL);",
      ].join("\n"),
    );
    expect(temp![0]).toMatchObject({ op: "create-table", temporary: true, unlogged: false });
    expect(unlogged![0]).toMatchObject({ temporary: false, unlogged: true });
    expect(partitioned![0]).toMatchObject({ kind: "partitioned table", partitionKey: ["at"] });
    expect(partition![0]).toMatchObject({ kind: "table", partitionOf: { name: "events" }, defaultPartition: true, inherits: [] });
    expect(inherits![0]).toMatchObject({ partitionOf: null, inherits: [{ name: "parent" }] });
    expect(like![0]).toMatchObject({ likes: [{ schema: "sales", name: "orders", written: "sales.orders" }], columns: [] });
  });

  it("column definitions: type, NOT NULL, defaults, identity, generated, serial, inline constraints", async () => {
    const op = await operationOf(
      `CREATE TABLE t (
        id bigserial PRIMARY KEY,
        code varchar(20) NOT NULL UNIQUE,
        note text NULL,
        made timestamptz DEFAULT now(),
        gone int DEFAULT NULL,
        n int GENERATED ALWAYS AS IDENTITY,
        twice int GENERATED ALWAYS AS (n * 2) STORED,
        half int GENERATED ALWAYS AS (n / 2) VIRTUAL,
        owner bigint REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        price numeric(10, 2)[] CHECK (price IS NOT NULL)
      )`,
    );
    if (op.op !== "create-table") throw new Error(op.op);
    const byName = Object.fromEntries(op.columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ serial: true, notNull: true, type: { name: "bigserial" } });
    expect(byName.code).toMatchObject({ notNull: true, type: { name: "varchar", mods: [20] }, constraints: [{ kind: "unique", columns: ["code"] }] });
    expect(byName.note).toMatchObject({ notNull: false, constraints: [] });
    expect(byName.made!.default).toMatchObject({ volatility: "stable" });
    expect(byName.gone!.default).toBeNull();
    expect(byName.n).toMatchObject({ identity: true, notNull: true });
    expect(byName.twice!.generated).toBe("stored");
    expect(byName.half!.generated).toBe("virtual");
    expect(byName.owner!.constraints).toMatchObject([{ kind: "foreign-key", columns: ["owner"], references: { name: "users" }, onDelete: "c" }]);
    expect(byName.price).toMatchObject({ type: { name: "numeric", mods: [10, 2], array: true }, constraints: [{ kind: "check", provesNotNull: "price" }] });
    // a column's constraints are also the table's
    expect(op.constraints.map((c) => c.kind)).toEqual(["primary-key", "unique", "foreign-key", "check"]);
  });

  it("table constraints: exclusion columns, CHECK columns, NOT NULL, names", async () => {
    const op = await operationOf(
      `CREATE TABLE booking (
        room int, during tstzrange, a int, b int,
        CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&),
        CHECK (a < b AND a > 0),
        CONSTRAINT a_set NOT NULL a,
        FOREIGN KEY (a, b) REFERENCES pairs (x, y)
      )`,
    );
    if (op.op !== "create-table") throw new Error(op.op);
    expect(op.constraints).toMatchObject([
      { kind: "exclude", name: "no_overlap", columns: ["room", "during"] },
      { kind: "check", name: null, columns: ["a", "b"], provesNotNull: null },
      { kind: "not-null", name: "a_set", columns: ["a"], provesNotNull: "a" },
      { kind: "foreign-key", columns: ["a", "b"], references: { name: "pairs" }, onDelete: "a" },
    ]);
  });

  it("ALTER TABLE column and constraint commands", async () => {
    const ops = (
      await operationsOf(
        [
          "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;",
          "ALTER TABLE t ALTER COLUMN a TYPE text;",
          "ALTER TABLE t ALTER COLUMN a SET DEFAULT random();",
          "ALTER TABLE t ALTER COLUMN a DROP DEFAULT;",
          "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID;",
          "ALTER TABLE t VALIDATE CONSTRAINT fk;",
          "ALTER TABLE t DROP CONSTRAINT fk CASCADE;",
          "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;",
          "ALTER TABLE t ADD CONSTRAINT a_set NOT NULL a;",
          "ALTER VIEW v ADD COLUMN x int;",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toMatchObject([
      { op: "alter-column-type", column: "a", type: { name: "int8" }, using: true },
      { op: "alter-column-type", type: { name: "text" }, using: false },
      { op: "set-default", column: "a", default: { volatility: "volatile", volatileFunctions: ["random"] } },
      { op: "drop-default", column: "a" },
      { op: "add-constraint", constraint: { kind: "foreign-key", name: "fk", notValid: true } },
      { op: "validate-constraint", name: "fk" },
      { op: "drop-constraint", name: "fk", cascade: true },
      { op: "add-constraint", constraint: { kind: "primary-key", usingIndex: "t_id_idx", columns: [] } },
      { op: "add-constraint", constraint: { kind: "not-null", provesNotNull: "a" } },
      { op: "add-column", column: { name: "x" } },
    ]);
  });

  it("partitions: ATTACH (DEFAULT), DETACH CONCURRENTLY and FINALIZE", async () => {
    const ops = (
      await operationsOf(
        [
          "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
          "ALTER TABLE events ATTACH PARTITION events_rest DEFAULT;",
          "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;",
          "ALTER TABLE events DETACH PARTITION events_2024 FINALIZE;",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toMatchObject([
      { op: "attach-partition", partition: { name: "events_2024" }, defaultPartition: false },
      { op: "attach-partition", partition: { name: "events_rest" }, defaultPartition: true },
      { op: "detach-partition", concurrent: true, finalize: false },
      { op: "detach-partition", concurrent: false, finalize: true },
    ]);
  });

  it("DROP of each kind of object", async () => {
    const all = await operationsOf(
      [
        "DROP TABLE a, sales.b CASCADE;",
        "DROP VIEW v;",
        "DROP MATERIALIZED VIEW m;",
        "DROP INDEX CONCURRENTLY i;",
        "DROP TRIGGER tr ON sales.t;",
        "DROP TYPE mood;",
        "DROP DOMAIN positive;",
        "DROP SCHEMA old CASCADE;",
      ].join("\n"),
    );
    expect(all).toMatchObject([
      [
        { op: "drop-relation", relation: { name: "a" }, kind: "table", cascade: true },
        { op: "drop-relation", relation: { schema: "sales", name: "b" }, kind: "table", cascade: true },
      ],
      [{ op: "drop-relation", kind: "view", cascade: false }],
      [{ op: "drop-relation", kind: "materialized view" }],
      [{ op: "drop-index", index: { name: "i" }, concurrent: true }],
      [{ op: "drop-trigger", table: { schema: "sales", name: "t" } }],
      [{ op: "drop-type", type: { name: "mood" } }],
      [{ op: "drop-type", type: { name: "positive" } }],
      [{ op: "drop-schema", schema: "old", cascade: true }],
    ]);
  });

  it("RENAME of each kind of object, and SET SCHEMA", async () => {
    const ops = (
      await operationsOf(
        [
          "ALTER TABLE t RENAME TO u;",
          "ALTER VIEW v RENAME TO w;",
          "ALTER MATERIALIZED VIEW m RENAME TO n;",
          "ALTER FOREIGN TABLE ft RENAME TO fu;",
          "ALTER TABLE t RENAME COLUMN a TO b;",
          "ALTER INDEX i RENAME TO j;",
          "ALTER TABLE t RENAME CONSTRAINT c TO d;",
          "ALTER SCHEMA s RENAME TO s2;",
          "ALTER TABLE t SET SCHEMA archive;",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toMatchObject([
      { op: "rename-table", table: { name: "t" }, newName: "u" },
      { op: "rename-table", table: { name: "v" }, newName: "w" },
      { op: "rename-table", table: { name: "m" }, newName: "n" },
      { op: "rename-table", table: { name: "ft" }, newName: "fu" },
      { op: "rename-column", column: "a", newName: "b" },
      { op: "rename-index", index: { name: "i" }, newName: "j" },
      { op: "rename-constraint", name: "c", newName: "d" },
      { op: "rename-schema", schema: "s", newName: "s2" },
      { op: "set-schema", relation: { name: "t" }, newSchema: "archive" },
    ]);
  });

  it("COMMENT ON: the relation for tables, views, indexes and columns; none for other objects", async () => {
    const ops = (
      await operationsOf(
        [
          "COMMENT ON TABLE sales.t IS 'x';",
          "COMMENT ON VIEW v IS 'x';",
          "COMMENT ON MATERIALIZED VIEW m IS 'x';",
          "COMMENT ON INDEX i IS 'x';",
          "COMMENT ON COLUMN sales.t.c IS 'x';",
          "COMMENT ON FUNCTION f() IS 'x';",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toEqual([
      { op: "comment", relation: { schema: "sales", name: "t", written: "sales.t" }, on: "TABLE" },
      { op: "comment", relation: { schema: null, name: "v", written: "v" }, on: "VIEW" },
      { op: "comment", relation: { schema: null, name: "m", written: "m" }, on: "MATVIEW" },
      { op: "comment", relation: { schema: null, name: "i", written: "i" }, on: "INDEX" },
      { op: "comment", relation: { schema: "sales", name: "t", written: "sales.t" }, on: "COLUMN" },
      { op: "comment", relation: null, on: "FUNCTION" },
    ]);
  });

  it("REINDEX targets, VACUUM and ANALYZE, CLUSTER", async () => {
    const all = await operationsOf(
      [
        "REINDEX INDEX i;",
        "REINDEX TABLE CONCURRENTLY t;",
        "REINDEX SCHEMA s;",
        "REINDEX DATABASE d;",
        "REINDEX SYSTEM d;",
        "VACUUM;",
        "VACUUM (FULL) a, b;",
        "ANALYZE t;",
        "CLUSTER;",
        "CLUSTER t USING t_pkey;",
      ].join("\n"),
    );
    expect(all).toMatchObject([
      [{ op: "reindex", target: "index", relation: { name: "i" }, concurrent: false }],
      [{ op: "reindex", target: "table", concurrent: true }],
      [{ op: "reindex", target: "schema", relation: null }],
      [{ op: "reindex", target: "database" }],
      [{ op: "reindex", target: "system" }],
      [{ op: "vacuum", table: null, full: false, analyzeOnly: false }],
      [
        { op: "vacuum", table: { name: "a" }, full: true },
        { op: "vacuum", table: { name: "b" }, full: true },
      ],
      [{ op: "vacuum", table: { name: "t" }, analyzeOnly: true }],
      [{ op: "cluster", table: null }],
      [{ op: "cluster", table: { name: "t" } }],
    ]);
  });

  it("SET and RESET: the setting, its value as written, LOCAL", async () => {
    const ops = (
      await operationsOf(
        [
          "SET lock_timeout = '2s';",
          "SET LOCAL Statement_Timeout TO 1000;",
          "SET search_path = app, public;",
          "SET random_page_cost = 1.5;",
          "SET application_name = '';",
          "SET work_mem TO DEFAULT;",
          "RESET lock_timeout;",
          "RESET ALL;",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toEqual([
      { op: "set", name: "lock_timeout", value: "2s", local: false },
      { op: "set", name: "statement_timeout", value: "1000", local: true },
      { op: "set", name: "search_path", value: "app, public", local: false },
      { op: "set", name: "random_page_cost", value: "1.5", local: false },
      { op: "set", name: "application_name", value: "", local: false },
      { op: "set", name: "work_mem", value: null, local: false },
      { op: "set", name: "lock_timeout", value: null, local: false },
      { op: "set", name: "all", value: null, local: false },
    ]);
  });

  it("transaction control: each form's kind, AND CHAIN", async () => {
    const ops = (
      await operationsOf(
        [
          "BEGIN;",
          "START TRANSACTION;",
          "COMMIT;",
          "COMMIT AND CHAIN;",
          "ROLLBACK;",
          "PREPARE TRANSACTION 'x';",
          "SAVEPOINT s;",
          "RELEASE SAVEPOINT s;",
          "ROLLBACK TO SAVEPOINT s;",
          "COMMIT PREPARED 'x';",
          "ROLLBACK PREPARED 'x';",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops.map((o) => (o?.op === "transaction" ? `${o.kind}${o.chain ? " chain" : ""}` : o?.op))).toEqual([
      "begin",
      "begin",
      "commit",
      "commit chain",
      "rollback",
      "commit",
      "savepoint",
      "savepoint",
      "savepoint",
      "other",
      "other",
    ]);
  });

  it("DML: the target, the columns an UPDATE sets and its WHERE reads, the relations read (CTEs left out)", async () => {
    const ops = (
      await operationsOf(
        [
          "UPDATE t SET a = u.a, b = 1 FROM u WHERE t.id = u.id AND t.flag;",
          "UPDATE t SET a = 1;",
          "DELETE FROM t USING u WHERE t.id = u.id;",
          "INSERT INTO t SELECT * FROM u JOIN u ON true;",
          "WITH recent AS (SELECT * FROM sales.orders) SELECT * FROM recent, recent r2, customers FOR UPDATE;",
          "SELECT 1;",
        ].join("\n"),
      )
    ).map((o) => o[0]);
    expect(ops).toMatchObject([
      { op: "update", table: { name: "t" }, columns: ["a", "b"], where: ["id", "flag"], reads: [{ name: "u" }] },
      { op: "update", columns: ["a"], where: null, reads: [] },
      { op: "delete", table: { name: "t" }, where: ["id"], reads: [{ name: "u" }] },
      { op: "insert", table: { name: "t" }, reads: [{ name: "u" }] },
      { op: "select", reads: [{ name: "customers" }, { written: "sales.orders" }], locking: true },
      { op: "select", reads: [], locking: false },
    ]);
  });

  it("indexes, views, enums, domains, locks, triggers, grants, truncation", async () => {
    const all = await operationsOf(
      [
        "CREATE UNIQUE INDEX CONCURRENTLY ix ON sales.t (a, lower(b));",
        "CREATE INDEX ON t (a);",
        "CREATE OR REPLACE VIEW v AS SELECT * FROM t;",
        "CREATE MATERIALIZED VIEW m AS SELECT * FROM t;",
        "CREATE TABLE snap AS SELECT * FROM t;",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY m;",
        "CREATE TYPE mood AS ENUM ('happy', 'sad');",
        "ALTER TYPE mood ADD VALUE 'ok';",
        "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';",
        "ALTER TYPE mood ADD VALUE 'glad' AFTER 'happy';",
        "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
        "CREATE DOMAIN positive AS int CHECK (VALUE > 0);",
        "ALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 10) NOT VALID;",
        "ALTER DOMAIN positive VALIDATE CONSTRAINT small;",
        "LOCK TABLE a, b IN SHARE MODE;",
        "LOCK t;",
        "CREATE OR REPLACE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
        "GRANT SELECT ON t, u TO r;",
        "TRUNCATE a, b CASCADE;",
        "DROP DATABASE old;",
      ].join("\n"),
    );
    expect(all).toMatchObject([
      [{ op: "create-index", table: { schema: "sales", name: "t" }, index: { schema: "sales", name: "ix" }, unique: true, concurrent: true, columns: ["a"] }],
      [{ op: "create-index", index: null, unique: false, concurrent: false }],
      [{ op: "create-view", view: { name: "v" }, materialized: false, orReplace: true, reads: [{ name: "t" }] }],
      [{ op: "create-view", view: { name: "m" }, materialized: true, orReplace: false }],
      [{ op: "create-table-as", table: { name: "snap" }, reads: [{ name: "t" }] }],
      [{ op: "refresh-materialized-view", view: { name: "m" }, concurrent: true }],
      [{ op: "create-enum", type: { name: "mood" }, values: ["happy", "sad"] }],
      [{ op: "add-enum-value", value: "ok", position: "end" }],
      [{ op: "add-enum-value", value: "meh", position: "before" }],
      [{ op: "add-enum-value", value: "glad", position: "after" }],
      [{ op: "rename-enum-value", from: "sad", to: "blue" }],
      [{ op: "domain-constraint", domain: { name: "positive" }, action: "create", notValid: false }],
      [{ op: "domain-constraint", action: "add", notValid: true }],
      [{ op: "domain-constraint", action: "validate" }],
      [
        { op: "lock-table", table: { name: "a" }, mode: "SHARE" },
        { op: "lock-table", table: { name: "b" }, mode: "SHARE" },
      ],
      [{ op: "lock-table", mode: "ACCESS EXCLUSIVE" }],
      [{ op: "create-trigger", table: { name: "t" }, replace: true }],
      [
        { op: "grant", relation: { name: "t" } },
        { op: "grant", relation: { name: "u" } },
      ],
      [
        { op: "truncate", table: { name: "a" }, cascade: true },
        { op: "truncate", table: { name: "b" }, cascade: true },
      ],
      [{ op: "drop-database", name: "old" }],
    ]);
  });

  it("quotes the names it writes back only where PostgreSQL needs quotes", async () => {
    const op = await operationOf('ALTER TABLE "Sales"."Order Items" ADD COLUMN "Qty" int');
    expect(op).toMatchObject({ op: "add-column", table: { schema: "Sales", name: "Order Items", written: '"Sales"."Order Items"' }, column: { name: "Qty" } });
  });
});

describe("a parse tree without what the grammar always gives (a newer parser, a bug)", () => {
  it("is an error naming what is missing, which the parse stage reports as a statement it could not read", () => {
    expect(() => readTree({ IndexStmt: { idxname: "ix" } })).toThrow("its parse tree lacks a relation the grammar requires");
    expect(() => readTree({ AlterTableStmt: { relation: { relname: "t" }, cmds: [{ AlterTableCmd: {} }] } })).toThrow(
      "its parse tree lacks an ALTER TABLE form the grammar requires",
    );
  });
});
