import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE, TRANSACTIONAL } from "../src/docs/effects-cases.js";
import { ROOT, runBinAsync } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "locklint-trace-"));

describe("locklint trace", () => {
  it("agrees with the prediction on every statement kind of the effects table (each case in its own transaction, rolled back)", async () => {
    const setup = join(dir, "fixture.sql");
    writeFileSync(setup, FIXTURE);
    const script = join(dir, "cases.sql");
    // the prediction replays the fixture too: give it as the script's first, committed, part
    const cases = TRANSACTIONAL.map((c) => `BEGIN;\n${c.prep ? `${c.prep};\n` : ""}${c.sql};\nROLLBACK;`).join("\n");
    writeFileSync(script, cases);
    const r = await runBinAsync(["trace", "--format", "json", "--setup", setup, script]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    const problems = out.statements.filter((s: { differences: string[]; observed: { error: string | null } }) => s.differences.length > 0 || s.observed.error);
    expect(problems.map((s: { sql: string; differences: string[]; observed: { error: string | null } }) => `${s.sql}: ${s.observed.error ?? s.differences.join("; ")}`)).toEqual([]);
    expect(out.summary.statements).toBeGreaterThan(TRANSACTIONAL.length * 3);
    expect(r.code).toBe(0);
  }, 120_000);

  it("--since builds the schema from earlier revisions, --seed-rows fills it; a statement that fails on rows is reported and the trace goes on", async () => {
    const r = await runBinAsync(["trace", "--format", "json", "--since", "0001", "--seed-rows", "500", join(ROOT, "samples/shop-risky/upgrade.sql")]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(new Set(out.statements.map((s: { revision: string }) => s.revision))).toEqual(new Set(["0002", "0003", "0004", "0005"]));
    const failed = out.statements.filter((s: { observed: { error: string | null } }) => s.observed.error);
    expect(failed.map((s: { line: number; observed: { error: string } }) => [s.line, s.observed.error])).toEqual([[39, 'column "status" of relation "users" contains null values']]);
    const rewrite = out.statements.find((s: { line: number }) => s.line === 49);
    expect(rewrite.observed.rewritten).toContain("orders");
    expect(out.summary.disagreements).toBe(0);
  }, 120_000);
});
