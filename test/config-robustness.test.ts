import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/program.js";
import { ROOT, type CliResult } from "./support/cli.js";

/** Configuration and environment faults: one line naming the file and key, never "internal error" (issue 16). */

const RISKY = join(ROOT, "samples/shop-risky/upgrade.sql");

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "locklint-config-faults-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The CLI in-process, from a working directory (where the configuration file is looked for). */
async function runIn(cwd: string, args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign((async function* () {})(), { isTTY: true });
  const code = await run(args, { cwd, stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
  return { code, stdout, stderr };
}

const rulesOf = (r: CliResult) => new Set((JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule));

describe("configuration files that cannot be read", () => {
  for (const name of ["pyproject.toml", "locklint.toml"]) {
    it(`a directory named ${name}: exit 2, one line naming it (was an internal error)`, async () => {
      const dir = project({});
      mkdirSync(join(dir, name));
      const r = await runIn(dir, [RISKY]);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toBe(`locklint: ${join(dir, name)}: is a directory, not a configuration file\n`);
    });
  }

  it("tool.locklint that is not a table: one line naming the key", async () => {
    const dir = project({ "pyproject.toml": '[tool]\nlocklint = "strict"\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r).toMatchObject({ code: 2, stderr: `locklint: ${join(dir, "pyproject.toml")}: tool.locklint: expected a table ([tool.locklint])\n` });
  });

  it("a broken pyproject.toml of another tool (no locklint in it) is not locklint's error", async () => {
    const dir = project({ "pyproject.toml": "[tool.ruff\nline-length = 100\n" });
    expect((await runIn(dir, ["-f", "json", RISKY])).code).toBe(1);
  });

  it("a broken pyproject.toml that configures locklint: the file and the line", async () => {
    const dir = project({ "pyproject.toml": '[tool.locklint]\nfail-on = "never\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^locklint: ${join(dir, "pyproject.toml")}: line 2: `));
  });
});

describe("[tool.locklint] in pyproject.toml, however TOML spells it", () => {
  const spellings = {
    "[ tool.locklint ]": '[ tool.locklint ]\ndisable = ["require-concurrent-index-creation"]\n',
    "[tool . locklint]": '[tool . locklint]\ndisable = ["require-concurrent-index-creation"]\n',
    '[tool."locklint"]': '[tool."locklint"]\ndisable = ["require-concurrent-index-creation"]\n',
    "tool = { locklint = { ... } }": 'tool = { locklint = { disable = ["require-concurrent-index-creation"] } }\n',
    "[tool]\\nlocklint.disable": '[tool]\nlocklint.disable = ["require-concurrent-index-creation"]\n',
  };
  for (const [spelling, text] of Object.entries(spellings)) {
    it(`${spelling} is found and applied (it was ignored)`, async () => {
      const dir = project({ "pyproject.toml": `${text}\n[project]\nname = "shop"\n` });
      const r = await runIn(dir, ["-f", "json", RISKY]);
      expect(r.stderr).toBe("");
      expect(rulesOf(r).has("require-concurrent-index-creation")).toBe(false);
      expect(rulesOf(r).size).toBeGreaterThan(0);
    });
  }
});

describe("rule ids and other keys are named with the file", () => {
  it("rules = [] in the file: exit 2 naming the file and key (it ran nothing and passed)", async () => {
    const dir = project({ "locklint.toml": "rules = []\n" });
    const r = await runIn(dir, [RISKY]);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe(
      `locklint: ${join(dir, "locklint.toml")}: rules: no rule selected: nothing would be checked; give all, default or rule ids (locklint rules lists them)\n`,
    );
  });

  it('--rules "" (or ","): exit 2, one line (it ran nothing and passed)', async () => {
    for (const spec of ["", ","]) {
      const r = await runIn(ROOT, ["--rules", spec, RISKY]);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toBe(
        `locklint: --rules "${spec}": no rule selected: nothing would be checked; give all, default or rule ids (locklint rules lists them)\n`,
      );
    }
  });

  it("disable turning off every selected rule: exit 2 naming the file and key", async () => {
    const dir = project({ "locklint.toml": 'rules = ["require-lock-timeout"]\ndisable = ["require-lock-timeout"]\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`locklint: ${join(dir, "locklint.toml")}: disable: turns off every rule selected (require-lock-timeout); nothing would be checked\n`);
  });

  it("an unknown rule id in the file's rules names the file and key (it named neither)", async () => {
    const dir = project({ "pyproject.toml": '[tool.locklint]\nrules = ["no-such-rule"]\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^locklint: ${join(dir, "pyproject.toml")}: rules: unknown rule "no-such-rule"`));
  });

  it("the file's alembic-dir that is not a directory names the file and key, not --alembic-dir", async () => {
    const dir = project({ "locklint.toml": 'alembic-dir = "no-such-dir"\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^locklint: ${join(dir, "locklint.toml")}: alembic-dir .*no-such-dir`));
  });

  it("the file's stats naming a missing file: the configuration file, the key and the stats file", async () => {
    const dir = project({ "locklint.toml": 'stats = "missing.json"\n' });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`locklint: ${join(dir, "locklint.toml")}: stats: ${join(dir, "missing.json")}: cannot read the stats file (ENOENT)\n`);
  });
});

describe("stats files of the wrong shape: the file and the JSON path", () => {
  const table = {
    schema: "public",
    name: "orders",
    kind: "table",
    reltuples: 10,
    liveTuples: null,
    heapBytes: 8192,
    toastBytes: 0,
    totalBytes: 16384,
    indexes: [],
  };
  const cases: [string, unknown[], string][] = [
    ["tables: [null]", [null], "tables[0]: expected an object (schema, name, kind, sizes, indexes)"],
    ["a size that is a string", [{ ...table, heapBytes: "8192" }], "tables[0].heapBytes: expected a number"],
    ["a table with no name", [table, { ...table, name: undefined }], "tables[1].name: expected a string"],
    ["an unknown kind", [{ ...table, kind: "view" }], 'tables[0].kind: expected "table", "partitioned table", "materialized view"'],
    ["liveTuples that is a string", [{ ...table, liveTuples: "5" }], "tables[0].liveTuples: expected a number or null"],
    [
      "an index of the wrong shape",
      [{ ...table, indexes: [{ name: "ix" }] }],
      "tables[0].indexes[0]: expected an object with a name (string) and bytes (number)",
    ],
  ];
  for (const [what, tables, path] of cases) {
    it(`${what}: exit 2 naming ${path.split(":")[0]} (was an internal error or a wrong estimate)`, async () => {
      const dir = project({
        "stats.json": JSON.stringify({
          format: "locklint-stats",
          version: 1,
          collectedAt: "",
          server: { version: "16", versionNum: 160000 },
          source: "x",
          tables,
        }),
      });
      const r = await runIn(ROOT, ["--stats", join(dir, "stats.json"), RISKY]);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toBe(`locklint: ${join(dir, "stats.json")}: ${path}; write it with locklint stats\n`);
    });
  }
});

describe("locks honours the configuration file", () => {
  it("pg-version from --config changes the lock locks reports (it was ignored)", async () => {
    // ALTER INDEX ... RENAME: ACCESS EXCLUSIVE before PostgreSQL 12, SHARE UPDATE EXCLUSIVE since
    const dir = project({ "pg11.toml": "pg-version = 11\n", "m.sql": "CREATE INDEX ix ON t (c);\nALTER INDEX ix RENAME TO ix2;\n" });
    const r = await runIn(dir, ["locks", "--config", join(dir, "pg11.toml"), join(dir, "m.sql")]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/ALTER INDEX ix RENAME TO ix2\s+ix\s+ACCESS EXCLUSIVE/);
    expect((await runIn(dir, ["locks", join(dir, "m.sql")])).stdout).toMatch(/ALTER INDEX ix RENAME TO ix2\s+ix\s+SHARE UPDATE EXCLUSIVE/);
  });

  it("a bad key in the file is reported by locks too", async () => {
    const dir = project({ "locklint.toml": "pg-version = 9\n" });
    const r = await runIn(dir, ["locks", RISKY]);
    expect(r).toMatchObject({ code: 2, stderr: `locklint: ${join(dir, "locklint.toml")}: pg-version: expected a PostgreSQL major version from 11 to 18\n` });
  });
});

describe("connection strings", () => {
  it("an invalid port in --db-url: exit 2, one line, no internal error", async () => {
    const r = await runIn(ROOT, ["--db-url", "postgres://h:99999/db", RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("more configuration faults named with the file", () => {
  it("a locklint.toml that is a broken symbolic link: one line naming it (it was passed over)", async () => {
    const dir = project({});
    symlinkSync(join(dir, "gone.toml"), join(dir, "locklint.toml"));
    const r = await runIn(dir, [RISKY]);
    expect(r).toMatchObject({ code: 2, stderr: `locklint: ${join(dir, "locklint.toml")}: a broken symbolic link (what it points to does not exist)\n` });
  });

  it("max-lock-ms in the file with no table sizes: the file and the key", async () => {
    const dir = project({ "locklint.toml": "max-lock-ms = 500\n" });
    const r = await runIn(dir, [RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `locklint: ${join(dir, "locklint.toml")}: max-lock-ms: lock budgets (--max-lock-ms, --max-read-lock-ms, --max-write-lock-ms) need table sizes: give --stats FILE (from locklint stats) or --db-url\n`,
    );
  });
});
