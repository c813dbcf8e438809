import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runBinAsync, runCli } from "../support/cli.js";

/**
 * The slow half of test/output-robustness.test.ts: real processes (file-size limits, /dev/full,
 * concurrent writers), the embedded database, and 150k statements.
 */

const RISKY = "-- Running upgrade  -> a1\nBEGIN;\nCREATE INDEX ix_users_email ON users (email);\nCOMMIT;\n";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "locklint-output-"));
}

function sqlFile(dir: string, name = "upgrade.sql", text = RISKY): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("report files are written whole or not at all", () => {
  it("the real process over its file-size limit (as a full disk): exit 2 naming the file, the previous report intact", () => {
    const dir = scratch();
    const target = join(dir, "report.txt");
    writeFileSync(target, "previous report\n");
    const input = sqlFile(dir, "big.sql", Array.from({ length: 200 }, (_, i) => `CREATE INDEX i${i} ON t (c);\n`).join(""));
    // ulimit -f 1: a write past 1 kB fails with EFBIG, as on a full disk
    const r = spawnSync("sh", ["-c", `ulimit -f 1; exec "${process.execPath}" --liftoff-only "${BIN}" "$@"`, "sh", input, "-o", target], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`locklint: ${target}: cannot write (EFBIG)\n`);
    expect(readFileSync(target, "utf8")).toBe("previous report\n");
    expect(readdirSync(dir).sort()).toEqual(["big.sql", "report.txt"]);
  });

  it("concurrent runs writing one path leave one whole report", async () => {
    const dir = scratch();
    const target = join(dir, "report.json");
    const inputs = Array.from({ length: 6 }, (_, n) =>
      sqlFile(dir, `in${n}.sql`, Array.from({ length: 300 + n * 50 }, (_, i) => `CREATE INDEX i${n}_${i} ON t${n} (c);\n`).join("")),
    );
    const runs = await Promise.all(inputs.map((input) => runCli([input, "-f", "json", "-o", target])));
    expect(runs.map((r) => r.code)).toEqual(inputs.map(() => 1));
    const written = readFileSync(target, "utf8");
    const whole = await Promise.all(inputs.map(async (input) => (await runCli([input, "-f", "json"])).stdout));
    expect(whole).toContain(written);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("concurrent processes writing one path (it was corrupted 6 times in 15): one whole report, each time", async () => {
    const dir = scratch();
    const target = join(dir, "report.json");
    const inputs = Array.from({ length: 4 }, (_, n) =>
      sqlFile(dir, `p${n}.sql`, Array.from({ length: 2000 + n * 500 }, (_, i) => `CREATE INDEX i${n}_${i} ON t${n} (c);\n`).join("")),
    );
    const whole = await Promise.all(inputs.map(async (input) => (await runCli([input, "-f", "json"])).stdout));
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all(inputs.map((input) => runBinAsync([input, "-f", "json", "-o", target])));
      expect(runs.map((r) => r.stderr)).toEqual(inputs.map(() => ""));
      expect(whole).toContain(readFileSync(target, "utf8"));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 60_000);
});

describe("a report lost on stdout", () => {
  it("stdout on a full device (> /dev/full): exit 2, one line, no stack", () => {
    const r = spawnSync("sh", ["-c", `exec "${process.execPath}" --liftoff-only "${BIN}" samples/shop-risky/upgrade.sql > /dev/full`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("locklint: cannot write the report to stdout: ENOSPC: no space left on device\n");
  });

  it("stdout open for reading only (EBADF): exit 2, one line", () => {
    const r = spawnSync("sh", ["-c", `exec "${process.execPath}" --liftoff-only "${BIN}" samples/shop-risky/upgrade.sql 1< /dev/null`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("locklint: cannot write the report to stdout: EBADF: bad file descriptor\n");
  });
});

describe("identifiers reach the terminal as text", () => {
  it("trace: PostgreSQL's error quoting an escape sequence is shown escaped on the failed line (found by the fuzz harness)", async () => {
    const r = await runCli(["trace", sqlFile(scratch(), "esc-trace.sql", "SELECT \x1b[31m;\n")]);
    expect(r.stdout).toMatch(/failed {2}\S*esc-trace\.sql:1 {2}.*\\x1b/);
    expect(r.stdout.replace(/\x1b\[\d+m/g, "")).not.toMatch(/\x1b/);
  }, 60_000);
});

describe("large inputs", () => {
  it("locks text of 150k statements (crashed at ~123k: a spread of every row into Math.max)", async () => {
    const text = Array.from({ length: 150_000 }, (_, i) => `SELECT ${i};\n`).join("");
    const r = await runCli(["locks", sqlFile(scratch(), "many.sql", text)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\n150000  -         -   SELECT 149999");
    expect(r.stdout).toMatch(/150000 statements \(alembic version-table bookkeeping omitted\)\n$/);
  }, 120_000);

  it("markdown of one transaction with many findings lists each once, in order (it was quadratic in them)", async () => {
    const n = 3000;
    const text = "BEGIN;\n" + Array.from({ length: n }, (_, i) => `CREATE INDEX i${i} ON t${i % 7} (c);\n`).join("") + "COMMIT;\n";
    const r = await runCli(["-f", "markdown", "--rules", "require-concurrent-index-creation", sqlFile(scratch(), "tx.sql", text)]);
    expect(r.code).toBe(1);
    const rows = r.stdout.split("\n").filter((l) => l.includes("`require-concurrent-index-creation`"));
    expect(rows).toHaveLength(n);
    expect(rows.map((l) => Number(/tx\.sql:(\d+)/.exec(l)![1]))).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    expect(r.stdout).toContain(`## locklint: ${n} errors, 0 warnings in ${n + 2} statements`);
  }, 60_000);
});
