import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_ALEMBIC, needs, ROOT, runCli } from "../support/cli.js";
import { lintReport } from "../support/json-report.js";

/** The half of test/formats.test.ts that runs a real alembic. */

const RISKY = "samples/shop-risky/upgrade.sql";
const dir = mkdtempSync(join(tmpdir(), "locklint-formats-"));
const out = (name: string) => join(mkdtempSync(join(dir, "outputs-")), name);
/** The shell of --sql-command finds python3 on PATH. */
const withPath = { env: { PATH: process.env.PATH } };

const ALEMBIC = "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)";

describe("several --format from one analysis", () => {
  it.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic: several reports from one rendering"), async () => {
    const args = ["alembic", "-c", "samples/shop-risky/alembic.ini", "--python", "/usr/bin/python3", "--all"];
    const md = out("summary.md");
    const r = await runCli([...args, "--format", "github", "--format", `markdown=${md}`]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe((await runCli([...args, "--format", "github"])).stdout);
    expect(readFileSync(md, "utf8")).toBe((await runCli([...args, "--format", "markdown"])).stdout);
  });
});

describe("--sql-command", () => {
  it.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "lints the output of a real `alembic upgrade head --sql` as if it were the file"), async () => {
    const r = await runCli(["--format", "json", "--sql-command", "/usr/bin/python3 -m alembic -c alembic.ini upgrade head --sql"], "", false, {
      cwd: join(ROOT, "samples/shop-risky"),
      ...withPath,
    });
    expect(r.code, r.stderr).toBe(1);
    const direct = lintReport((await runCli(["--format", "json", RISKY])).stdout);
    const viaCommand = lintReport(r.stdout);
    expect(viaCommand.findings.map((f) => [f.rule, f.line])).toEqual(direct.findings.map((f) => [f.rule, f.line]));
    expect(viaCommand.findings[0]!.file).toBe("</usr/bin/python3 -m alembic -c alembic.ini upgrade head --sql>");
  });
});
