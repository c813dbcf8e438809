import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSourceFile } from "../../src/sql/source.js";
import { BIN, runCli, type CliResult } from "../support/cli.js";
import { expectInputError } from "../support/input-error.js";
import { lintReport } from "../support/json-report.js";

/**
 * The slow half of test/input-robustness.test.ts: real processes and shells (a closed stdin, process
 * substitution, an endless command), named pipes and their 5 s wait, a 600 KB input.
 */

const dir = mkdtempSync(join(tmpdir(), "locklint-input-"));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const INDEX = "CREATE INDEX IF NOT EXISTS ix_t_a ON t (a);\n";
const INDEX_FINDING = "require-concurrent-index-creation";

/** The launcher under bash, for what needs a real process: a closed stdin, process substitution. */
function runBash(script: string): CliResult {
  const r = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: { ...process.env, LOCKLINT: `node --liftoff-only ${BIN}`, NO_COLOR: "" },
    cwd: dir,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const rules = (r: CliResult) => lintReport(r.stdout).findings.map((f) => [f.rule, f.line]);

describe("empty input is never a pass", () => {
  it("stdin closed by the shell (<&-): exit 2 from the real process", () => {
    const r = runBash("$LOCKLINT <&-");
    expectInputError(r, /^locklint: <stdin>: no SQL statement \(empty input\)/);
  });
});

describe("the input size limit, checked while reading", () => {
  it("max-input-mb in the configuration file sets it; --max-input-mb wins over the file", async () => {
    const config = file("limit.toml", "max-input-mb = 0.5\n");
    const big = file("big.sql", INDEX.repeat(20_000)); // 600 KB
    expectInputError(
      await runCli(["--config", config, big]),
      `${big}: larger than 0.5 MB, the input size limit; stopped reading (raise it with --max-input-mb, or max-input-mb in the configuration file)`,
    );
    expect((await runCli(["--config", config, "--max-input-mb", "1", "--rules", INDEX_FINDING, big])).code).toBe(1);
    const bad = file("bad-limit.toml", "max-input-mb = 0\n");
    expectInputError(await runCli(["--config", bad, big]), `${bad}: max-input-mb: expected a number of megabytes, more than 0 and at most 500`);
  });

  it("an endless --sql-command is stopped at the limit, and so is what it started", async () => {
    const marker = `locklint-endless-${process.pid}`;
    const started = Date.now();
    const r = await runCli(["--max-input-mb", "1", "--sql-command", `yes 'SELECT 1; -- ${marker}'`]);
    expectInputError(r, /^locklint: <yes 'SELECT 1; -- locklint-endless-\d+'>: larger than 1 MB, the input size limit; stopped reading/);
    expect(Date.now() - started).toBeLessThan(15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spawnSync("pgrep", ["-f", marker]).status).toBe(1);
  });
});

describe("named pipes", () => {
  /** A writer of the file into the pipe (after a pause), and when it is done. */
  function writeInto(path: string, text: string, pause = 0): Promise<unknown> {
    writeFileSync(`${path}.txt`, text);
    const writer = spawn("bash", ["-c", `sleep ${pause}; cat ${JSON.stringify(`${path}.txt`)} > ${JSON.stringify(path)}`]);
    return new Promise((resolve) => writer.on("close", resolve));
  }

  function fifo(name: string): string {
    const path = join(dir, name);
    expect(spawnSync("mkfifo", [path]).status).toBe(0);
    return path;
  }

  it("a FIFO with no writer does not hang: exit 2 after 5 s, naming it", async () => {
    const path = fifo("nobody.fifo");
    const started = Date.now();
    const r = await runCli([path]);
    expectInputError(r, `${path}: a named pipe that nobody opened for writing within 5 s; start the command that writes to it first`);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("a FIFO whose writer comes within the wait is read", async () => {
    const path = fifo("late.fifo");
    const written = writeInto(path, INDEX, 0.3);
    const source = await readSourceFile(path, 1024, 3_000);
    expect(source.text).toBe(INDEX);
    await written;
  });

  it("the wait ends the blocked open: the next reader of the FIFO is not starved", async () => {
    const path = fifo("twice.fifo");
    await expect(readSourceFile(path, 1024, 200)).rejects.toThrow("nobody opened for writing within 0.2 s");
    const written = writeInto(path, INDEX);
    expect((await readSourceFile(path, 1024, 3_000)).text).toBe(INDEX);
    await written;
  });

  it("process substitution <(cat file) still works", () => {
    file("sub.sql", INDEX);
    const r = runBash("$LOCKLINT --format json <(cat sub.sql)");
    expect(r.code).toBe(1);
    expect(rules(r)).toEqual([
      [INDEX_FINDING, 1],
      ["require-lock-timeout", 1],
    ]);
  });
});
