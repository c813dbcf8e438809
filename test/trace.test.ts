import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE, TRANSACTIONAL } from "../src/docs/effects-cases.js";
import { runBinAsync } from "./support/cli.js";

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
});
