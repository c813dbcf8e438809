import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { TraceDatabase } from "../src/trace/database.js";
import { runCli } from "./support/cli.js";

/**
 * After each statement on a server, trace checks that its transaction is still the one it opened.
 * No statement trace lets through can end it (they are refused or rewritten: trace-server-safety),
 * so the check is tested on a server stand-in whose transaction a statement ends, as one that trace
 * failed to recognise would (issue 16).
 */
let transaction = 1;
vi.mock("../src/trace/database.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/trace/database.js")>();
  const standIn: TraceDatabase = {
    server: true,
    exec: async (sql) => {
      if (sql.includes("ends_the_transaction")) transaction++;
    },
    query: async <T>(sql: string) => ({ rows: (/txid_current/.test(sql) ? [{ id: String(transaction) }] : []) as T[] }),
    close: async () => undefined,
  };
  return { ...original, serverDatabase: async () => standIn };
});

describe("locklint trace --db-url: a statement that ends trace's transaction", () => {
  it("stops the trace with one line naming it, saying the work before it may be committed", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "locklint-trace-txid-")), "ends.sql");
    writeFileSync(path, "CREATE TABLE kept (id int);\nSELECT ends_the_transaction();\nCREATE TABLE never_run (id int);\n");
    const r = await runCli(["trace", "--db-url", "postgres://u:pw-Secret@db.invalid/app", path]);
    expect(r.stderr).toBe(`locklint: trace stopped at ${path}:2: the statement ended the transaction trace opened, so the work before it may be committed\n`);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(2);
  });
});
