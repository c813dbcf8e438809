import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RelationLock } from "../src/locks/effects.js";
import { analyzeText, statementOf } from "./support/analyze-text.js";
import { runCli } from "./support/cli.js";

/**
 * What `locklint locks` says when the script does not tell the whole story: relations that
 * existed before it (their indexes, constraints and partitions unknown), relations it created
 * earlier (harmless to lock), and statements PostgreSQL refuses inside a transaction block. The
 * statement kinds themselves are checked against PostgreSQL in test/effects-pglite.test.ts.
 */

/** The locks of the last statement of the script, as `relation: MODE [rewrite] [scan] (novelty)`. */
async function locksOf(script: string, sql: string, pgVersion = 14): Promise<string[]> {
  const analysis = await analyzeText(script, { pgVersion, rules: [] });
  return statementOf(analysis, sql).effects.locks.map(shown);
}

function shown(lock: RelationLock): string {
  const flags = [lock.rewrite ? "rewrite" : "", lock.scan ? "scan" : "", lock.novelty ? `(${lock.novelty})` : ""].filter(Boolean);
  return [`${lock.relation}: ${lock.mode}`, ...flags].join(" ");
}

async function refusal(sql: string): Promise<string | null> {
  const analysis = await analyzeText(`${sql};\n`, { rules: [] });
  return statementOf(analysis, sql).effects.nonTransactionalReason;
}

describe("relations that existed before the script", () => {
  it("DROP INDEX of an index the script does not know: the index, and a word on its table", async () => {
    const analysis = await analyzeText("DROP INDEX ix_old;\n", { rules: [] });
    const locks = statementOf(analysis, "DROP INDEX ix_old").effects.locks;
    expect(locks.map(shown)).toEqual(["ix_old: ACCESS EXCLUSIVE"]);
    expect(locks[0]!.why[0]).toMatch(/its table \(not known from this script\) is locked ACCESS EXCLUSIVE too/);
  });

  it("REINDEX TABLE of an unknown table: the table read, its indexes not listed", async () => {
    expect(await locksOf("REINDEX TABLE accounts;\n", "REINDEX TABLE accounts")).toEqual(["accounts: SHARE scan"]);
  });

  it("REINDEX INDEX of an unknown index: the index rebuilt, no table named", async () => {
    expect(await locksOf("REINDEX INDEX ix_old;\n", "REINDEX INDEX ix_old")).toEqual(["ix_old: ACCESS EXCLUSIVE rewrite scan"]);
  });

  it("a type change on an unknown table rewrites it (the old type is unknown), without naming indexes", async () => {
    expect(await locksOf("ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\n", "ALTER TABLE accounts ALTER COLUMN id TYPE bigint")).toEqual([
      "accounts: ACCESS EXCLUSIVE rewrite scan",
    ]);
  });

  it("schema-qualified names are kept as written", async () => {
    expect(await locksOf("ALTER TABLE billing.accounts DROP COLUMN note;\n", "ALTER TABLE billing.accounts DROP COLUMN note")).toEqual([
      "billing.accounts: ACCESS EXCLUSIVE",
    ]);
  });

  it("UPDATE finds rows through an index on the WHERE column, else scans", async () => {
    const script = "CREATE TABLE t (id int, v int);\nCREATE INDEX ix_t_id ON t (id);\nCOMMIT;\n";
    expect(await locksOf(`${script}UPDATE t SET v = 1 WHERE id = 3;\n`, "UPDATE t SET v = 1 WHERE id = 3")).toEqual(["t: ROW EXCLUSIVE"]);
    expect(await locksOf(`${script}UPDATE t SET v = 1 WHERE v = 3;\n`, "UPDATE t SET v = 1 WHERE v = 3")).toEqual(["t: ROW EXCLUSIVE scan"]);
  });

  it("PRIMARY KEY USING INDEX scans for NULLs unless the columns are NOT NULL", async () => {
    const table = (notNull: string) => `CREATE TABLE t (id int${notNull});\nCREATE UNIQUE INDEX ux_t ON t (id);\nCOMMIT;\n`;
    const sql = "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX ux_t";
    expect(await locksOf(`${table("")}${sql};\n`, sql)).toEqual(["t: ACCESS EXCLUSIVE scan"]);
    expect(await locksOf(`${table(" NOT NULL")}${sql};\n`, sql)).toEqual(["t: ACCESS EXCLUSIVE"]);
  });

  it("SET LOGGED on a table the script made logged does nothing; on an unknown table it rewrites", async () => {
    expect(await locksOf("CREATE TABLE t (id int);\nCOMMIT;\nALTER TABLE t SET LOGGED;\n", "ALTER TABLE t SET LOGGED")).toEqual(["t: ACCESS EXCLUSIVE"]);
    expect(await locksOf("ALTER TABLE accounts SET LOGGED;\n", "ALTER TABLE accounts SET LOGGED")).toEqual(["accounts: ACCESS EXCLUSIVE rewrite scan"]);
  });

  it("storage parameters: SHARE UPDATE EXCLUSIVE only when every one is light", async () => {
    expect(await locksOf("ALTER TABLE t RESET (fillfactor);\n", "ALTER TABLE t RESET (fillfactor)")).toEqual(["t: SHARE UPDATE EXCLUSIVE"]);
    const mixed = "ALTER TABLE t SET (fillfactor = 70, user_catalog_table = true)";
    expect(await locksOf(`${mixed};\n`, mixed)).toEqual(["t: ACCESS EXCLUSIVE"]);
  });
});

describe("relations the script created", () => {
  it("a temporary table is not locked for anyone else", async () => {
    expect(await locksOf("CREATE TEMP TABLE scratch (id int);\n", "CREATE TEMP TABLE scratch (id int)")).toEqual([]);
  });

  it("a table created earlier in the revision is marked so", async () => {
    const script = "-- Running upgrade  -> a1\n\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN v int;\n";
    expect(await locksOf(script, "ALTER TABLE t ADD COLUMN v int")).toEqual(["t: ACCESS EXCLUSIVE (created earlier in this revision)"]);
  });

  it("a table created earlier in the transaction (no revisions) is marked so", async () => {
    const script = "BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN v int;\nCOMMIT;\n";
    expect(await locksOf(script, "ALTER TABLE t ADD COLUMN v int")).toEqual(["t: ACCESS EXCLUSIVE (created earlier in this transaction)"]);
  });

  it("two operations on one table in one statement merge into the strongest lock, rewrite and scan", async () => {
    const sql = "ALTER TABLE accounts ALTER COLUMN id SET STATISTICS 100, ADD COLUMN token float DEFAULT random()";
    expect(await locksOf(`${sql};\n`, sql)).toEqual(["accounts: ACCESS EXCLUSIVE rewrite scan"]);
  });
});

describe("statements PostgreSQL refuses inside a transaction block", () => {
  it.each([
    ["REINDEX SCHEMA public", "REINDEX SCHEMA"],
    ["REINDEX DATABASE app", "REINDEX DATABASE"],
    ["CLUSTER", "CLUSTER without a table name"],
    ["VACUUM", "VACUUM"],
  ])("%s", async (sql, reason) => {
    expect(await refusal(sql)).toBe(reason);
  });

  it("ANALYZE and CLUSTER of one table run in a transaction", async () => {
    expect(await refusal("ANALYZE accounts")).toBeNull();
    expect(await refusal("CLUSTER accounts USING ix_accounts")).toBeNull();
  });
});

describe("SET EXPRESSION of a generated column (PostgreSQL 17+)", () => {
  const created = (kind: "STORED" | "VIRTUAL") =>
    `-- Running upgrade  -> 0001\nCREATE TABLE items (id bigint, twice bigint GENERATED ALWAYS AS (id * 2) ${kind});\n-- Running upgrade 0001 -> 0002\nALTER TABLE items ALTER COLUMN twice SET EXPRESSION AS (id * 3);\n`;

  it("a STORED column is recomputed for every row: the table is rewritten, and rewriting-table says so", async () => {
    expect(await locksOf(created("STORED"), "ALTER TABLE items ALTER COLUMN twice SET EXPRESSION AS (id * 3)", 18)).toEqual([
      "items: ACCESS EXCLUSIVE rewrite scan",
    ]);
    const analysis = await analyzeText(created("STORED"), { pgVersion: 18 });
    expect(analysis.findings.map((f) => f.rule)).toContain("rewriting-table");
  });

  it("a VIRTUAL column stores nothing: no rewrite, and no rewriting-table finding", async () => {
    expect(await locksOf(created("VIRTUAL"), "ALTER TABLE items ALTER COLUMN twice SET EXPRESSION AS (id * 3)", 18)).toEqual(["items: ACCESS EXCLUSIVE"]);
    const analysis = await analyzeText(created("VIRTUAL"), { pgVersion: 18 });
    expect(analysis.findings.map((f) => f.rule)).not.toContain("rewriting-table");
  });
});

/** `locklint locks` as a user runs it (in-process): its text output and exit code. */
async function locksCommand(args: string[], stdin = ""): Promise<{ code: number; stdout: string }> {
  const { code, stdout } = await runCli(["locks", ...args], stdin);
  return { code, stdout };
}

/** The rows of one statement in the text table: `relation MODE` per line. */
function rowsOf(table: string, line: number): string[] {
  const lines = table.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${line} `));
  if (start < 0) return [];
  const rows = [lines[start]!];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith(" ")) break;
    rows.push(l);
  }
  return rows.map(
    (r) =>
      r
        .match(/\s([\w."]+)\s+(ACCESS EXCLUSIVE|SHARE ROW EXCLUSIVE|ACCESS SHARE|ROW SHARE)\s/)
        ?.slice(1)
        .join(" ") ?? r,
  );
}

describe("foreign keys lock the table at their other end (issue 18)", () => {
  // prefect's history, revision f7587d6c5776 -> d481d5058a19: the key was added one revision earlier
  const PREFECT = `CREATE TABLE worker_pool_queue (id UUID NOT NULL, CONSTRAINT pk_worker_pool_queue PRIMARY KEY (id));
CREATE TABLE deployment (id UUID NOT NULL, worker_pool_queue_id UUID, CONSTRAINT pk_deployment PRIMARY KEY (id));
COMMIT;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__worker_pool_queue_id__worker_pool_queue FOREIGN KEY(worker_pool_queue_id) REFERENCES worker_pool_queue (id) ON DELETE SET NULL;
ALTER TABLE deployment DROP COLUMN worker_pool_queue_id;
`;

  it("DROP COLUMN of a foreign-key column: the referenced table is locked ACCESS EXCLUSIVE too (its triggers go)", async () => {
    const { code, stdout } = await locksCommand(["-"], PREFECT);
    expect(code).toBe(0);
    expect(rowsOf(stdout, 5)).toEqual(["deployment ACCESS EXCLUSIVE", "worker_pool_queue ACCESS EXCLUSIVE"]);
    const analysis = await analyzeText(PREFECT, { rules: [] });
    const lock = statementOf(analysis, "ALTER TABLE deployment DROP COLUMN worker_pool_queue_id").effects.locks.find((l) => l.relation === "worker_pool_queue");
    expect(lock?.why).toEqual([
      "foreign key fk_deployment__worker_pool_queue_id__worker_pool_queue dropped with column worker_pool_queue_id: its triggers here go",
    ]);
  });

  const CORPUS = "/work/shared/corpus/alembic/prefect.sql";
  if (!existsSync(CORPUS)) it.skip(`prefect.sql of the corpus (skipped: needs ${CORPUS})`, () => {});
  else
    it("prefect.sql of the corpus: both DROP COLUMNs of d481d5058a19 lock worker_pool_queue", async () => {
      const { code, stdout } = await locksCommand(["--format", "json", CORPUS]);
      expect(code).toBe(0);
      const statements = (JSON.parse(stdout) as { statements: { sql: string; revision: string | null; locks: { relation: string; mode: string }[] }[] })
        .statements;
      const drops = statements.filter((s) => s.revision === "d481d5058a19" && / DROP COLUMN worker_pool_queue_id$/.test(s.sql));
      expect(drops.map((s) => s.locks.map((l) => `${l.relation} ${l.mode}`))).toEqual([
        ["deployment ACCESS EXCLUSIVE", "worker_pool_queue ACCESS EXCLUSIVE"],
        ["flow_run ACCESS EXCLUSIVE", "worker_pool_queue ACCESS EXCLUSIVE"],
      ]);
    });

  const KEYS = "CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE TABLE links (tag_id bigint REFERENCES tags (id));\nCOMMIT;\n";

  it("a rewriting type change of a referenced key locks the referencing table and checks its key again", async () => {
    const sql = "ALTER TABLE tags ALTER COLUMN id TYPE int";
    expect(await locksOf(`${KEYS}${sql};\n`, sql)).toEqual([
      "tags: ACCESS EXCLUSIVE rewrite scan",
      "tags_pkey: ACCESS EXCLUSIVE rewrite scan",
      "links: ACCESS EXCLUSIVE scan",
    ]);
  });

  it("a NOT VALID key is rebuilt without a check; a binary-compatible change checks nothing", async () => {
    const notValid =
      "CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE TABLE links (tag_id bigint);\nALTER TABLE links ADD CONSTRAINT links_fk FOREIGN KEY (tag_id) REFERENCES tags (id) NOT VALID;\nCOMMIT;\n";
    const sql = "ALTER TABLE links ALTER COLUMN tag_id TYPE int";
    expect(await locksOf(`${notValid}${sql};\n`, sql)).toEqual(["links: ACCESS EXCLUSIVE rewrite scan", "tags: ACCESS EXCLUSIVE"]);
    const same = "ALTER TABLE links ALTER COLUMN tag_id TYPE bigint";
    expect(await locksOf(`${KEYS}${same};\n`, same)).toEqual(["links: ACCESS EXCLUSIVE", "tags: ACCESS EXCLUSIVE"]);
  });

  it("DROP COLUMN of a referenced key (CASCADE) locks the referencing table, and its foreign key is gone afterwards", async () => {
    const script = `${KEYS}ALTER TABLE tags DROP COLUMN id CASCADE;\nDROP TABLE links;\n`;
    expect(await locksOf(script, "ALTER TABLE tags DROP COLUMN id CASCADE")).toEqual(["tags: ACCESS EXCLUSIVE", "links: ACCESS EXCLUSIVE"]);
    expect(await locksOf(script, "DROP TABLE links")).toEqual(["links: ACCESS EXCLUSIVE"]);
  });
});

describe("a foreign key to a unique column that is not the primary key", () => {
  const script = [
    "CREATE TABLE accounts (id bigint PRIMARY KEY, code int UNIQUE);",
    "CREATE TABLE vouchers (id bigint, account_code int REFERENCES accounts (code));",
    "-- Running upgrade 0001 -> 0002",
    "ALTER TABLE accounts ALTER COLUMN code TYPE bigint;",
    "ALTER TABLE accounts ALTER COLUMN id TYPE int;",
    "",
  ].join("\n");

  it("a type change of the referenced column locks the referencing table, and its key is checked again", async () => {
    expect(await locksOf(`-- Running upgrade  -> 0001\n${script}`, "ALTER TABLE accounts ALTER COLUMN code TYPE bigint")).toContain(
      "vouchers: ACCESS EXCLUSIVE scan",
    );
  });

  it("a type change of the primary key leaves that table alone: its key does not use the primary key", async () => {
    const locks = await locksOf(`-- Running upgrade  -> 0001\n${script}`, "ALTER TABLE accounts ALTER COLUMN id TYPE int");
    expect(locks.some((l) => l.startsWith("accounts: ACCESS EXCLUSIVE"))).toBe(true);
    expect(locks.filter((l) => l.startsWith("vouchers"))).toEqual([]);
  });
});

describe("locks on types (issue 18)", () => {
  // mealie's history: authmethod created in one revision, a value added in 09aba125b57a
  const MEALIE = `-- Running upgrade  -> ba1e4a6cfe99
CREATE TYPE authmethod AS ENUM ('MEALIE', 'LDAP');
CREATE TABLE users (id UUID NOT NULL, auth_method authmethod NOT NULL, PRIMARY KEY (id));
-- Running upgrade ba1e4a6cfe99 -> 09aba125b57a
ALTER TYPE authmethod ADD VALUE 'OIDC';
`;

  it("ALTER TYPE ... ADD VALUE: EXCLUSIVE on the type (an object lock: only DDL on the type waits), no table locked", async () => {
    const { code, stdout } = await locksCommand(["-"], MEALIE);
    expect(code).toBe(0);
    const row = stdout.split("\n").find((l) => l.startsWith("5 "));
    expect(row).toMatch(/ALTER TYPE authmethod ADD VALUE 'OIDC'\s+type authmethod\s+EXCLUSIVE\s+ddl\s+-$/);
    const json = await runCli(["locks", "--format", "json", "-"], MEALIE);
    const statement = (
      JSON.parse(json.stdout) as { statements: { line: number; locks: { relation: string; kind: string; mode: string; blocks: string[] }[] }[] }
    ).statements.find((s) => s.line === 5);
    expect(statement?.locks.map(({ relation, kind, mode, blocks }) => ({ relation, kind, mode, blocks }))).toEqual([
      { relation: "authmethod", kind: "type", mode: "EXCLUSIVE", blocks: ["ddl"] },
    ]);
  });

  it("the type's lock is no table's: no rule reports it as blocking reads or writes", async () => {
    const lint = await runCli(["--format", "json", "-"], MEALIE);
    const findings = (JSON.parse(lint.stdout) as { findings: { rule: string; locks: { kind: string }[] }[] }).findings;
    expect(findings.filter((f) => f.rule === "require-lock-timeout")).toEqual([]);
    expect(findings.flatMap((f) => f.locks).filter((l) => l.kind === "type")).toEqual([]);
  });
});

describe("ALTER SEQUENCE ... OWNED BY (issue 18)", () => {
  const SCRIPT =
    "CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE SEQUENCE order_seq;\nCOMMIT;\nALTER SEQUENCE order_seq OWNED BY orders.id;\nALTER SEQUENCE order_seq OWNED BY NONE;\n";

  it("looks the owning table up under ACCESS SHARE (measured on PGlite 18.6 and PostgreSQL 15.18); OWNED BY NONE names no table", async () => {
    expect(await locksOf(SCRIPT, "ALTER SEQUENCE order_seq OWNED BY orders.id")).toEqual(["orders: ACCESS SHARE"]);
    expect(await locksOf(SCRIPT, "ALTER SEQUENCE order_seq OWNED BY NONE")).toEqual([]);
  });
});

describe("REINDEX stops reads of its table (issue 18)", () => {
  // measured on PostgreSQL 15.18 with a second session: every read of the table waits while its index is
  // rebuilt (the planner opens each of a table's indexes), although the table itself is only SHARE-locked
  it("the transaction's timeline keeps it, when the table was already SHARE-locked by an earlier statement", async () => {
    const r = await runCli(["locks", "--format", "json"], "BEGIN;\nCREATE INDEX ix_t_a ON t (a);\nREINDEX TABLE t;\nCOMMIT;\n");
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as {
      statements: { line: number; locks: { relation: string; mode: string; blocks: string[] }[] }[];
      transactions: { locks: { relation: string; mode: string; blocks: string[] }[] }[];
    };
    const reindex = report.statements.find((s) => s.line === 3)!;
    expect(reindex.locks.find((l) => l.relation === "t")).toMatchObject({ mode: "SHARE", blocks: ["reads", "writes", "ddl"] });
    expect(report.transactions[0]!.locks.find((l) => l.relation === "t")).toMatchObject({ mode: "SHARE", blocks: ["reads", "writes", "ddl"] });
  });
});
