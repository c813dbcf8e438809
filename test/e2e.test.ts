import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runBin, runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

/**
 * The few tests that start bin/locklint.js as a user does: the launcher and the committed bundle, a
 * real stdin pipe, a process's own working directory. Everything else runs the CLI in-process
 * (test/support/cli.ts runCli); `npm test` rebuilds the bundle first.
 */

const RISKY = "samples/shop-risky/upgrade.sql";

describe("bin/locklint.js end to end", () => {
  it("the launcher runs by its shebang: the bundle's findings and exit code are the sources'", async () => {
    const r = spawnSync(BIN, ["--format", "json", RISKY], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "" } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe((await runCli(["--format", "json", RISKY])).stdout);
  });

  it("--version is package.json's, from the bundle", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(runBin(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("reads SQL piped into stdin: `alembic upgrade head --sql | locklint`", () => {
    const r = spawnSync("bash", ["-c", `cat ${RISKY} | "${process.execPath}" --liftoff-only "${BIN}" --format json`], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(lintReport(r.stdout).findings.map((f) => [f.file, f.line])[0]).toEqual(["<stdin>", 31]);
  });

  it("paths are the process's working directory's: a file named from a subdirectory, findings on the .py relative to it", () => {
    const project = join(ROOT, "samples/shop-risky");
    const dir = mkdtempSync(join(tmpdir(), "locklint-e2e-"));
    writeFileSync(join(dir, "locklint.toml"), `alembic-dir = ${JSON.stringify(join(project, "migrations/versions"))}\n`);
    const r = runBin(["--format", "json", "--config", join(dir, "locklint.toml"), "upgrade.sql"], { cwd: project });
    expect(r.code, r.stderr).toBe(1);
    expect(lintReport(r.stdout).findings[0]).toMatchObject({ file: "upgrade.sql", migration: { file: "migrations/versions/0002_order_lookups.py", line: 15 } });
  });

  it("a usage error is exit 2 and one line on stderr, nothing on stdout", () => {
    expect(runBin(["--no-such-option", RISKY])).toMatchObject({
      code: 2,
      stdout: "",
      stderr: expect.stringMatching(/^locklint: [^\n]*no-such-option[^\n]*\n$/) as unknown,
    });
  });
});
