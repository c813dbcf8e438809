import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "./support/cli.js";

/** A rule that throws is a locklint bug: its finding says so, stderr names the statement, the run exits 2 (issue 17). */

// stand-ins for bugs in a rule: dropping-column throws on the table "crashes", and at the end of the deploy unit for the table "later"
vi.mock("../rules/dropping-column.js", async (importOriginal) => {
  const real = (await importOriginal<typeof import("../rules/dropping-column.js")>()).default;
  return {
    default: {
      ...real,
      check: (ctx: Parameters<NonNullable<typeof real.check>>[0]) => {
        if (ctx.statement.sql.includes("crashes")) throw new Error("simulated rule bug");
        if (ctx.statement.sql.includes("later"))
          ctx.afterUnit(() => {
            throw new Error("simulated deferred bug");
          });
        real.check?.(ctx);
      },
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "locklint-rule-crash-"));
const input = join(dir, "crash.sql");
writeFileSync(input, "SET lock_timeout = '2s';\nALTER TABLE crashes DROP COLUMN IF EXISTS x;\nCREATE INDEX IF NOT EXISTS i ON t (c);\n");

describe("a rule that throws", () => {
  it("its finding at the statement, the other rules' findings, one stderr line, exit 2 whatever --fail-on", async () => {
    const r = await runCli(["-f", "json", "--fail-on", "never", input]);
    expect(r.code).toBe(2);
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; line: number; message: string }[] }).findings;
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ["dropping-column", 2],
      ["require-concurrent-index-creation", 3],
    ]);
    expect(findings[0]!.message).toBe("rule dropping-column failed on this statement (simulated rule bug); this is a locklint bug, please report it");
    expect(r.stderr).toBe(
      `locklint: internal error at ${input}:2:1 (ALTER TABLE crashes DROP COLUMN IF EXISTS x): rule dropping-column failed: simulated rule bug (please report it)\n`,
    );
  });

  it("a check it left for the end of the deploy unit: the same, at the statement that left it", async () => {
    const later = join(dir, "later.sql");
    writeFileSync(later, "BEGIN;\nSET lock_timeout = '2s';\nALTER TABLE later DROP COLUMN x;\nCREATE INDEX i ON t (c);\nCOMMIT;\n");
    const r = await runCli(["-f", "json", later]);
    expect(r.code).toBe(2);
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; line: number; message: string }[] }).findings;
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ["dropping-column", 3],
      ["dropping-column", 3],
      ["require-concurrent-index-creation", 4],
      ["lock-held-during-slow-statement", 4],
    ]);
    expect(findings[1]!.message).toContain("rule dropping-column failed on this statement (simulated deferred bug)");
    expect(r.stderr).toBe(
      `locklint: internal error at ${later}:3:1 (ALTER TABLE later DROP COLUMN x): rule dropping-column failed: simulated deferred bug (please report it)\n`,
    );
  });

  it("not run (turned off by --rules): no internal error, the usual exit", async () => {
    const r = await runCli(["--rules", "require-concurrent-index-creation", input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
  });
});
