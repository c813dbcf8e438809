import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { traceReport } from "../support/json-report.js";

/**
 * The embedded PostgreSQL (PGlite) ignores statement_timeout and runs a statement on its own
 * thread: a statement that never ends used to hang trace forever (issue 16). Each stops after
 * --statement-timeout with one line naming the statement, exit 2; COPY FROM STDIN is not run.
 */
const dir = mkdtempSync(join(tmpdir(), "locklint-trace-timeout-"));

function script(name: string, sql: string): string {
  const path = join(dir, name);
  writeFileSync(path, sql);
  return path;
}

const stoppedAt = (path: string, line: number) =>
  `locklint: trace stopped at ${path}:${line}: the statement ran longer than 1 s (--statement-timeout changes it); the embedded database was stopped\n`;

describe("locklint trace: a statement that never ends in the embedded database", () => {
  it.each([
    ["pg_sleep(100)", "SELECT pg_sleep(100);"],
    ["an endless DO loop", "DO $$ BEGIN LOOP END LOOP; END $$;"],
    ["an endless recursive CTE", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r;"],
  ])(
    "%s stops after --statement-timeout with one line and exit 2",
    async (_, statement) => {
      const path = script(`${_.replace(/\W+/g, "-")}.sql`, `CREATE TABLE t (id int);\n${statement}\nCREATE TABLE after_it (id int);\n`);
      const started = Date.now();
      const r = await runCli(["trace", "--statement-timeout", "1s", path]);
      expect(r.stderr).toBe(stoppedAt(path, 2));
      expect(r.stdout).toBe("");
      expect(r.code).toBe(2);
      expect(Date.now() - started).toBeLessThan(60_000);
    },
    90_000,
  );

  it("COPY FROM STDIN is not run (trace has no data to send), and the trace goes on", async () => {
    const path = script("copy.sql", "CREATE TABLE t (id int);\nCOPY t FROM STDIN;\n1\n2\n\\.\nCREATE TABLE after_it (id int);\n");
    const r = await runCli(["trace", "--format", "json", "--statement-timeout", "1s", path]);
    expect(r.stderr).toBe("");
    const out = traceReport(r.stdout);
    expect(out.statements.map((s) => [s.line, s.observed.error])).toEqual([
      [1, null],
      [2, "not run: COPY ... FROM STDIN: trace has no data to send (psql sends the lines after it)"],
      [6, null],
    ]);
    expect(r.code).toBe(1);
  }, 90_000);

  it("--statement-timeout that is not a duration is a usage error", async () => {
    const r = await runCli(["trace", "--statement-timeout", "soon", script("x.sql", "SELECT 1;\n")]);
    expect(r.stderr).toBe(
      "locklint: option '--statement-timeout <duration>' argument 'soon' is invalid. expected a duration such as 500ms, 5s or 2min (a bare number is milliseconds) (locklint --help lists the options)\n",
    );
    expect(r.code).toBe(2);
  });
});
