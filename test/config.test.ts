import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/program.js";
import { ROOT, type CliResult } from "./support/cli.js";

const RISKY = join(ROOT, "samples/shop-risky/upgrade.sql");

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "locklint-config-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, "migrations"), { recursive: true });
  return dir;
}

/** The CLI in-process, from a working directory (where the configuration file is looked for), with this stdin. */
async function runIn(cwd: string, args: string[], input = ""): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(Readable.from([new TextEncoder().encode(input)]), { isTTY: false });
  const code = await run(args, { cwd, stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
  return { code, stdout, stderr };
}

const findings = async (cwd: string, ...args: string[]) => {
  const r = await runIn(cwd, ["--format", "json", ...args, RISKY]);
  return {
    code: r.code,
    stderr: r.stderr,
    list: r.stdout ? (JSON.parse(r.stdout) as { findings: { revision: string; rule: string; severity: string }[] }).findings : [],
  };
};

describe("configuration files", () => {
  it("[tool.locklint] in pyproject.toml, found from a subdirectory: disable, severity, per-revision ignores, fail-on", async () => {
    const dir = project({
      "pyproject.toml":
        '[project]\nname = "shop"\n\n[tool.locklint]\nfail-on = "never"\ndisable = ["require-lock-timeout"]\nseverity = { "dropping-column" = "error" }\n\n[tool.locklint.ignore]\n"0002" = ["constraint-missing-not-valid"]\n',
    });
    const { code, list } = await findings(join(dir, "migrations"));
    expect(code).toBe(0);
    expect(list.some((f) => f.rule === "require-lock-timeout")).toBe(false);
    expect(list.some((f) => f.rule === "constraint-missing-not-valid")).toBe(false);
    expect(list.find((f) => f.rule === "dropping-column")?.severity).toBe("error");
  });

  it("locklint.toml; command-line flags win over the file", async () => {
    const dir = project({ "locklint.toml": 'fail-on = "never"\nrules = ["require-concurrent-index-creation"]\n' });
    const fromFile = await findings(dir);
    expect(fromFile.code).toBe(0);
    expect(new Set(fromFile.list.map((f) => f.rule))).toEqual(new Set(["require-concurrent-index-creation"]));
    expect((await findings(dir, "--fail-on", "error")).code).toBe(1);
  });

  it("an unknown key, a bad value or an unknown rule id is a usage error naming the file and the key", async () => {
    const unknown = await findings(project({ "locklint.toml": "pg-versio = 12\n" }));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/locklint\.toml: pg-versio: unknown key/);
    const value = await findings(project({ "pyproject.toml": "[tool.locklint]\npg-version = 9\n" }));
    expect(value.stderr).toMatch(/pyproject\.toml: tool\.locklint\.pg-version: expected a PostgreSQL major version/);
    const rule = await findings(project({ "locklint.toml": 'disable = ["no-such-rule"]\n' }));
    expect(rule.code).toBe(2);
    expect(rule.stderr).toMatch(/locklint\.toml: disable: unknown rule "no-such-rule"/);
    const syntax = await findings(project({ "locklint.toml": "fail-on = \n" }));
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/locklint\.toml: line 1/);
  });

  it("--config names the file", async () => {
    const dir = project({ "custom.toml": 'disable = ["require-concurrent-index-creation"]\n' });
    const { list } = await findings(ROOT, "--config", join(dir, "custom.toml"));
    expect(list.some((f) => f.rule === "require-concurrent-index-creation")).toBe(false);
  });
});

describe("assume-in-transaction", () => {
  // a plain SQL migration that a tool (not alembic) wraps in one transaction
  const sql = ["CREATE TABLE t (id int);", "CREATE INDEX CONCURRENTLY ix_accounts ON accounts (id);", "CREATE INDEX ix_t ON t (id);", ""].join("\n");
  const lint = async (cwd: string, ...args: string[]) => {
    const r = await runIn(cwd, ["--format", "json", ...args, "-"], sql);
    return (JSON.parse(r.stdout) as { findings: { rule: string; line: number }[] }).findings.map((f) => [f.rule, f.line]);
  };

  it("the file runs in one transaction: CONCURRENTLY there is an error, a table it creates is new until its end", async () => {
    const dir = project({});
    expect(await lint(dir)).toContainEqual(["require-concurrent-index-creation", 3]);
    const assumed = await lint(dir, "--assume-in-transaction");
    expect(assumed).toContainEqual(["concurrent-index-in-transaction", 2]);
    expect(assumed.some(([rule]) => rule === "require-concurrent-index-creation")).toBe(false);
    // the same from the configuration file
    expect(await lint(project({ "locklint.toml": "assume-in-transaction = true\n" }))).toEqual(assumed);
  });

  it("an explicit BEGIN nests; the end of the file commits (no unclosed-transaction finding); the timeline says so", async () => {
    const nested = await runIn(ROOT, ["--format", "json", "--assume-in-transaction", "-"], "BEGIN;\nALTER TABLE accounts ADD COLUMN c int;\nCOMMIT;\n");
    expect((JSON.parse(nested.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain("transaction-nesting");
    const rulesOn = async (...args: string[]) => {
      const r = await runIn(ROOT, ["--format", "json", ...args, "-"], "BEGIN;\nALTER TABLE accounts ADD COLUMN c int;\n");
      return (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    };
    expect(await rulesOn()).toContain("ban-uncommitted-transaction");
    expect(await rulesOn("--assume-in-transaction")).not.toContain("ban-uncommitted-transaction");
    const locks = await runIn(ROOT, ["locks", "--assume-in-transaction", "-"], "ALTER TABLE accounts ADD COLUMN c int;\nSELECT 1;\n");
    expect(locks.stdout).toContain("Transaction 1, lines 1-end of file (committed there: --assume-in-transaction)");
  });

  it("a value that is not a boolean is an error naming the file and key (exit 2)", async () => {
    const dir = project({ "locklint.toml": 'assume-in-transaction = "yes"\n' });
    const r = await runIn(dir, ["-"], "SELECT 1;");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("locklint.toml: assume-in-transaction: expected true or false");
  });
});
