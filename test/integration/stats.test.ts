import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { matching, anyOf } from "../support/matchers.js";
import type { StatsFile } from "../../src/cost/stats.js";
import { lintReport } from "../support/json-report.js";

/**
 * `locklint stats` against a real PostgreSQL server over a real TCP connection: PostgreSQL 18
 * (PGlite) served on the wire protocol by pglite-socket, started here. The driver is the real `pg`.
 */
const PASSWORD = "s3cr3t-Pa55";
let db: PGlite;
let server: PGLiteSocketServer;
let url: string;
const dir = mkdtempSync(join(tmpdir(), "locklint-stats-"));

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE TABLE customers (id bigint PRIMARY KEY, email text, notes text, code varchar(50));
    CREATE INDEX ix_customers_email ON customers (email);
    INSERT INTO customers SELECT g, 'user' || g || '@example.com', repeat('x', 3000) FROM generate_series(1, 2000) g;
    CREATE SCHEMA billing;
    CREATE TABLE billing.invoices (id bigint, total numeric);
    ANALYZE;
  `);
  server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1" });
  await server.start();
  // host:port, the port the system gave (port 0 asks for a free one)
  url = `postgres://postgres:${PASSWORD}@${server.getServerConn()}/postgres`;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

describe("locklint stats", () => {
  it("writes rows, heap, TOAST, total and index sizes per table, and the server version", async () => {
    const output = join(dir, "stats.json");
    const r = await runCli(["stats", "--db-url", url, "--output", output]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote 2 tables of postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres \(PostgreSQL 18\.\d+\) to /);
    const stats = JSON.parse(readFileSync(output, "utf8")) as StatsFile;
    expect(stats).toMatchObject({ format: "locklint-stats", version: 1, server: { versionNum: anyOf(Number) } });
    expect(stats.server.versionNum).toBeGreaterThanOrEqual(180000);
    const customers = stats.tables.find((t) => t.name === "customers")!;
    expect(customers).toMatchObject({ schema: "public", kind: "table", reltuples: 2000 });
    // n_live_tup is whatever the statistics collector has flushed so far (PGlite: often 0)
    expect(customers.liveTuples === null || Number.isInteger(customers.liveTuples)).toBe(true);
    expect(customers.heapBytes).toBeGreaterThan(8192);
    expect(customers.toastBytes).toBeGreaterThan(0); // 3000-byte notes are TOASTed
    expect(customers.totalBytes).toBeGreaterThan(customers.heapBytes + customers.toastBytes);
    expect(customers.indexes.map((i) => i.name).sort()).toEqual(["customers_pkey", "ix_customers_email"]);
    expect(customers.indexes.every((i) => i.bytes > 0)).toBe(true);
    expect(stats.tables.find((t) => t.name === "invoices")).toMatchObject({ schema: "billing", reltuples: anyOf(Number) });
    expect(readFileSync(output, "utf8")).not.toContain(PASSWORD);
  });

  it("reads DATABASE_URL when --db-url is not given", async () => {
    const output = join(dir, "env.json");
    const r = await runCli(["stats", "--output", output], "", false, { env: { DATABASE_URL: url } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(PASSWORD);
    expect((JSON.parse(readFileSync(output, "utf8")) as StatsFile).tables).toHaveLength(2);
  });

  it("fails with exit 2 and a one-line message without the password when the server cannot be reached", async () => {
    const r = await runCli(["stats", "--db-url", `postgres://app:${PASSWORD}@127.0.0.1:1/app`, "--output", join(dir, "none.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^locklint: cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: .*\n$/);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });

  it("--db-url on locklint reads the sizes live: estimates on lock facts, and a small table's index build is a warning", async () => {
    const migration = join(dir, "migration.sql");
    writeFileSync(migration, "BEGIN;\nCREATE INDEX ix_customers_notes ON customers (id, email);\nCOMMIT;\n");
    const r = await runCli(["--format", "json", "--db-url", url, migration]);
    expect(r.stderr).toBe("");
    const finding = lintReport(r.stdout).findings.find((f) => f.rule === "require-concurrent-index-creation")!;
    expect(finding.locks[0]!.estimate).toMatchObject({ basis: matching(/^index build over \d/), laterStatements: 0 });
    expect(finding.locks[0]!.estimate!.highMs).toBeGreaterThan(0);
    expect(finding.severity).toBe("warning"); // a few MB: well under a second
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it("--db-url on lint and locks reads the column types too: a wider varchar on a table the history does not create is no rewrite", async () => {
    const migration = join(dir, "widen.sql");
    writeFileSync(
      migration,
      "BEGIN;\nALTER TABLE customers ALTER COLUMN code TYPE varchar(100);\nALTER TABLE customers ALTER COLUMN email TYPE varchar(100);\nCOMMIT;\n",
    );
    const lint = await runCli(["--format", "json", "--rules", "changing-column-type", "--db-url", url, migration]);
    expect(lint.stderr).toBe("");
    // varchar(50) -> varchar(100) keeps every row; text -> varchar(100) must check each one (a rewrite on PostgreSQL)
    expect(lintReport(lint.stdout).findings.map((f) => [f.line, f.rule])).toEqual([[3, "changing-column-type"]]);
    const locks = await runCli(["locks", "--format", "json", "--db-url", url, migration]);
    expect(locks.stderr).toBe("");
    const rewrites = (JSON.parse(locks.stdout) as { statements: { line: number; locks: { relation: string; rewrite: boolean }[] }[] }).statements.map((s) => [
      s.line,
      s.locks.some((l) => l.relation === "customers" && l.rewrite),
    ]);
    expect(rewrites).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(lint.stdout + locks.stdout).not.toContain(PASSWORD);
  });

  it("asks for a database when there is none", async () => {
    const r = await runCli(["stats"], "", false, { env: { DATABASE_URL: "" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("give --db-url");
  });
});
