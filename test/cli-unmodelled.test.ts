import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

/** Statements locklint does not model (`unknown` operations) are said, in JSON always and with --verbose in text (issue 17). */

const dir = mkdtempSync(join(tmpdir(), "locklint-unmodelled-"));
const DO_BLOCK = "CREATE TABLE IF NOT EXISTS t (a int);\nDO $$ BEGIN PERFORM 1; END $$;\nCREATE INDEX IF NOT EXISTS i ON t (a);\n";
const input = join(dir, "do.sql");
writeFileSync(input, DO_BLOCK);
const plain = join(dir, "plain.sql");
writeFileSync(plain, "CREATE TABLE IF NOT EXISTS t (a int);\nCREATE INDEX IF NOT EXISTS i ON t (a);\n");

const DO_WHAT = "DO block (its statements are not analysed)";

describe("statements locklint does not model", () => {
  it("lint --format json: an unmodelled list after the summary, only when there is such a statement", async () => {
    const r = await runCli(["-f", "json", input]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["findings", "summary", "unmodelled"]);
    expect(out.unmodelled).toEqual([{ file: input, line: 2, column: 1, what: DO_WHAT }]);
    const clean = JSON.parse((await runCli(["-f", "json", plain])).stdout) as Record<string, unknown>;
    expect(Object.keys(clean)).toEqual(["findings", "summary"]);
  });

  it("locks --format json: the statement carries unmodelled, the others do not have the key", async () => {
    const r = await runCli(["locks", "-f", "json", input]);
    const statements = (JSON.parse(r.stdout) as { statements: Record<string, unknown>[] }).statements;
    expect(statements.map((s) => [s.line, s.analysed, s.unmodelled])).toEqual([
      [1, true, undefined],
      [2, false, DO_WHAT],
      [3, true, undefined],
    ]);
    expect(statements.filter((s) => "unmodelled" in s)).toHaveLength(1);
  });

  it("--verbose: one line per such statement in the text of lint (before the summary) and locks (at the end); none without it", async () => {
    const line = `${input}:2:1  not modelled: ${DO_WHAT}`;
    const lint = await runCli(["--verbose", input]);
    expect(lint.stdout).toContain(`${line}\n\n3 statements in 1 file: 1 error, 1 warning\n`);
    expect((await runCli([input])).stdout).not.toContain("not modelled");
    const locks = await runCli(["locks", "--verbose", input]);
    expect(locks.stdout.endsWith(`\n\n${line}\n`)).toBe(true);
    expect((await runCli(["locks", input])).stdout).not.toContain("not modelled");
    expect((await runCli(["locks", "--verbose", plain])).stdout).toBe((await runCli(["locks", plain])).stdout);
  });
});
