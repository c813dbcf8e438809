import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBin } from "./support/cli.js";

const RISKY = "samples/shop-risky/upgrade.sql"; // relative to ROOT, where runBin runs
const dir = mkdtempSync(join(tmpdir(), "locklint-formats-"));

describe("--format github", () => {
  it("writes one workflow command per finding, with file, line, column, end and title, escaped", () => {
    const r = runBin(["--format", "github", RISKY]);
    expect(r.code).toBe(1);
    const commands = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(commands).toHaveLength(15);
    expect(commands[0]).toMatch(/^::error file=samples\/shop-risky\/upgrade\.sql,line=31,col=1,endLine=31,endColumn=51,title=locklint require-concurrent-index-creation::CREATE INDEX on existing table orders/);
    expect(commands.every((c) => !c.slice(2).includes("\n"))).toBe(true);
    expect(commands[0]).toContain("%0ACREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);");
    expect(commands.filter((c) => c.startsWith("::warning")).length).toBe(8);
  });
});

describe("--format markdown and --output", () => {
  it("writes per-revision findings tables, the safe way, and the lock timeline to a file", () => {
    const output = join(dir, "summary.md");
    const r = runBin(["--format", "markdown", "--output", output, "--since", "0001", RISKY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const md = readFileSync(output, "utf8");
    expect(md).toMatch(/^## locklint: 7 errors, \d+ warnings in 21 statements\n/);
    expect(md).toContain("### Revision 0002 (upgrade from 0001)");
    expect(md).toContain("| 🔴 error | `require-concurrent-index-creation` | samples/shop-risky/upgrade.sql:31 |");
    expect(md).toContain("```sql\nCREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);\n```");
    expect(md).toContain("### Lock timeline");
  });
});

describe("revision ranges", () => {
  const findings = (...args: string[]) => JSON.parse(runBin(["--format", "json", ...args, RISKY]).stdout).findings as { revision: string; rule: string; line: number }[];

  it("--since reports only the later revisions, which deploy together (one lock_timeout finding for the deploy)", () => {
    const got = findings("--since", "0003");
    expect(new Set(got.map((f) => f.revision))).toEqual(new Set(["0004", "0005"]));
    expect(got.filter((f) => f.rule === "require-lock-timeout").map((f) => f.line)).toEqual([49]);
  });

  it("--revision reports one revision, with the schema of the whole input", () => {
    expect(findings("--revision", "0002").map((f) => `${f.line} ${f.rule}`)).toEqual(["31 require-concurrent-index-creation", "33 constraint-missing-not-valid", "33 lock-upgrade"]);
  });

  it("a revision that is not in the input is a usage error", () => {
    const r = runBin(["--since", "nope", RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("revision nope is not in the input");
  });
});
