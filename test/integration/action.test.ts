import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEBIAN_PYTHON, HAS_ALEMBIC, ROOT, runCli, needs } from "../support/cli.js";
import { makeRepository, sampleFeature } from "../support/alembic-repo.js";

// action.yml as GitHub reads it; its lint step's script runs here as the runner would run it, with
// the inputs' expressions substituted, on the committed bundle (`npm run bundle` makes it match src/).
// The setup-node step is GitHub's; the `node` it puts on PATH is, here, a wrapper that logs each run.
interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Action {
  inputs: Record<string, { default: string; description: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as Action;
const lintStep = action.runs.steps.find((s) => s.name === "Lint the migrations")!;

const RISKY = "samples/shop-risky/upgrade.sql";
// as the runner sets it: the action's checkout, no trailing slash
const ACTION_PATH = ROOT.replace(/\/$/, "");

function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in action.inputs)) throw new Error(`action.yml uses an undeclared input ${name}`);
    return inputs[name] ?? action.inputs[name]!.default;
  });
}

/**
 * Runs the lint step as a runner would: bash, the step's env and working directory, a step summary
 * file, and on PATH a `node` that logs its arguments (one line per run) before running this Node.
 */
function runLintStep(inputs: Record<string, string>, runnerEnv: Record<string, string> = {}) {
  const temp = mkdtempSync(join(tmpdir(), "locklint-action-"));
  const summary = join(temp, "summary.md");
  writeFileSync(summary, "");
  const nodeLog = join(temp, "node.log");
  writeFileSync(nodeLog, "");
  const bin = join(temp, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "node"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`);
  chmodSync(join(bin, "node"), 0o755);
  const env: Record<string, string> = {
    ...process.env,
    NO_COLOR: "1",
    GITHUB_ACTION_PATH: ACTION_PATH,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: temp,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    ...runnerEnv,
  };
  for (const [key, value] of Object.entries(lintStep.env ?? {})) env[key] = expand(value, inputs);
  const cwd = resolve(ROOT, expand(lintStep["working-directory"] ?? ".", inputs));
  const r = spawnSync("bash", ["-e", "-c", lintStep.run!], { cwd, env, encoding: "utf8" });
  expect(r.stdout.includes("${{"), "an expression was left unexpanded").toBe(false);
  const nodeRuns = readFileSync(nodeLog, "utf8").split("\n").filter(Boolean);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, "utf8"), nodeRuns };
}

/** The one locklint run of a step: node, on the committed bundle. */
function expectOneRun(nodeRuns: string[]): void {
  expect(nodeRuns).toHaveLength(1);
  expect(nodeRuns[0]).toMatch(new RegExp(`^--liftoff-only ${ACTION_PATH}/dist/locklint\\.mjs `));
}

describe("action.yml", () => {
  it("is a composite action that sets up Node and runs the committed bundle: no install or build step", () => {
    expect(action.runs.using).toBe("composite");
    const [setup, lint, ...more] = action.runs.steps;
    expect(more).toEqual([]);
    expect(setup!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(setup!.with).toEqual({ "node-version": "${{ inputs.node-version }}" });
    expect(action.inputs["node-version"]!.default).toBe("24");
    expect(lint).toBe(lintStep);
    expect(lintStep.run).not.toMatch(/\b(npm|npx|yarn|pnpm|tsc|esbuild)\b/);
    // one place runs locklint, the bundle, with the flag bin/locklint.js gives node
    expect(lintStep.run!.match(/dist\/locklint\.mjs/g)).toHaveLength(1);
    expect(lintStep.run).toContain('node --liftoff-only "$GITHUB_ACTION_PATH/dist/locklint.mjs"');
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(typeof input.default, name).toBe("string");
      expect(input.description.length, name).toBeGreaterThan(10);
    }
  });

  it("one locklint run: the annotations, the step summary and the SARIF file are the single-format reports, and the findings fail the job", async () => {
    const sarif = join(mkdtempSync(join(tmpdir(), "locklint-action-sarif-")), "locklint.sarif");
    const r = runLintStep({ "sql-file": RISKY, "sarif-file": sarif });
    expectOneRun(r.nodeRuns);
    expect(r.code, r.stderr).toBe(1);
    const single = async (format: string) => (await runCli(["--format", format, RISKY])).stdout;
    expect(r.stdout).toBe(await single("github"));
    expect(r.stdout.split("\n").filter((l) => l.startsWith("::"))).toHaveLength(16);
    // written although the findings fail the job
    expect(r.summary).toBe(await single("markdown"));
    expect(r.summary).toMatch(/^## locklint: 7 errors/);
    expect(readFileSync(sarif, "utf8")).toBe(await single("sarif"));
  });

  it("a safe SQL file passes; fail-on never passes the risky one, with its annotations and summary", () => {
    const safe = runLintStep({ "sql-file": "samples/shop-safe/upgrade.sql" });
    expect(safe.code, safe.stderr).toBe(0);
    expectOneRun(safe.nodeRuns);
    expect(safe.summary).toMatch(/^## locklint: 0 errors, 0 warnings in 40 statements/);
    const never = runLintStep({ "sql-file": RISKY, "fail-on": "never" });
    expectOneRun(never.nodeRuns);
    expect(never.nodeRuns[0]).toContain(" --fail-on never ");
    expect(never.code).toBe(0);
    expect(never.stdout).toContain("::error file=samples/shop-risky/upgrade.sql,line=31");
    expect(never.summary).toContain("## locklint: 7 errors");
    expect(runLintStep({ "sql-file": "samples/shop-safe/upgrade.sql", "fail-on": "warning", args: "--rules all" }).code).toBe(1);
  });

  it("sql-command runs once and its output is linted; args and since reach locklint", () => {
    const calls = join(mkdtempSync(join(tmpdir(), "locklint-action-calls-")), "calls");
    const r = runLintStep({ "sql-command": `echo ran >> '${calls}'; cat ${RISKY}`, since: "0003", args: "--pg-version 16" });
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(calls, "utf8")).toBe("ran\n");
    expectOneRun(r.nodeRuns);
    expect(r.nodeRuns[0]).toMatch(/locklint-migration\.sql --pg-version 16 --since 0003 --format github --format markdown=/);
    expect(r.summary).toContain("### Revision 0004");
    expect(r.summary).not.toContain("### Revision 0002");
  });

  it.skipIf(!HAS_ALEMBIC)(
    needs(
      HAS_ALEMBIC,
      "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)",
      "with alembic's --sql output: a markdown step summary, annotations on the .py files, a SARIF file, and a failed job",
    ),
    () => {
      const sarif = join(tmpdir(), `locklint-action-${process.pid}.sarif`);
      const r = runLintStep({
        "working-directory": "samples/shop-risky",
        "sql-command": "/usr/bin/python3 -m alembic upgrade head --sql",
        since: "0001",
        "sarif-file": sarif,
        args: "--alembic-dir migrations/versions",
      });
      expect(r.code, r.stderr).toBe(1);
      expectOneRun(r.nodeRuns);
      expect(r.summary).toMatch(/^## locklint: 7 errors/);
      expect(r.summary).toContain("### Revision 0002 (upgrade from 0001)");
      const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
      // on the migration file the pull request changed, at its op.create_index call
      expect(annotations[0]).toMatch(
        /^::error file=migrations\/versions\/0002_order_lookups\.py,line=15,col=5,title=locklint require-concurrent-index-creation::.*%0ASQL: .*locklint-migration\.sql:31: /,
      );
      expect(annotations.length).toBe(19);
      const log = JSON.parse(readFileSync(sarif, "utf8")) as { version: string; runs: { results: unknown[] }[] };
      expect(log.version).toBe("2.1.0");
      expect(log.runs[0]!.results.length).toBe(19);
    },
  );

  it.skipIf(!HAS_ALEMBIC)(
    needs(
      HAS_ALEMBIC,
      "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)",
      "with alembic-ini on a pull request: the revisions added since origin/<base branch>, annotated on their .py files",
    ),
    () => {
      const repo = makeRepository("shop-safe", sampleFeature(), { clone: true });
      const sarif = join(repo, "locklint.sarif");
      const r = runLintStep(
        { "working-directory": repo, "alembic-ini": "alembic.ini", python: DEBIAN_PYTHON, "sarif-file": sarif },
        { GITHUB_BASE_REF: "main" },
      );
      expect(r.code, r.stderr).toBe(1);
      expectOneRun(r.nodeRuns);
      expect(r.stderr).toContain("locklint alembic: 2 revisions added or changed since origin/main: 0007, 0008\n");
      const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
      expect(annotations.map((a) => /^::(\w+) file=([^,]+),line=(\d+)/.exec(a)!.slice(1).join(" "))).toEqual([
        "error migrations/versions/0007_order_status.py 17",
        "warning migrations/versions/0007_order_status.py 17",
        "error migrations/versions/0008_backfill_status.py 17",
      ]);
      expect(r.summary).toMatch(/^## locklint: 2 errors, 1 warning/);
      expect((JSON.parse(readFileSync(sarif, "utf8")) as { runs: { results: unknown[] }[] }).runs[0]!.results.length).toBe(3);
      // a base git cannot find fails the job with exit 2 and says so
      const lost = runLintStep({ "working-directory": repo, "alembic-ini": "alembic.ini", python: DEBIAN_PYTHON, "since-ref": "origin/nope" });
      expect(lost.code).toBe(2);
      expect(lost.stdout).toContain("::error title=locklint::locklint could not lint the migrations (exit 2)");
      expect(lost.stderr).toContain("--since-ref origin/nope: git finds no common ancestor with HEAD");
    },
  );

  it("locklint cannot lint (an unreadable file, an unwritable SARIF file): exit 2, an error annotation, no summary", () => {
    const missing = runLintStep({ "sql-file": "nope.sql" });
    expect(missing.code).toBe(2);
    expectOneRun(missing.nodeRuns);
    expect(missing.stdout).toBe("::error title=locklint::locklint could not lint the migrations (exit 2): its message is in the log\n");
    expect(missing.stderr).toContain("locklint: nope.sql:");
    expect(missing.summary).toBe("");
    const unwritable = runLintStep({ "sql-file": RISKY, "sarif-file": "no/such/dir/locklint.sarif" });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe("locklint: no/such/dir/locklint.sarif: cannot write (ENOENT)\n");
    expect(unwritable.stdout).toBe("::error title=locklint::locklint could not lint the migrations (exit 2): its message is in the log\n");
    expect(unwritable.summary).toBe("");
  });

  it("no input, or a failing command: exit 2 with an error annotation, and locklint never runs", () => {
    const none = runLintStep({});
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("::error title=locklint::give the action alembic-ini, sql-command or sql-file");
    expect(none.nodeRuns).toEqual([]);
    const failing = runLintStep({ "sql-command": "echo 'FAILED: Cannot locate revision' >&2; exit 1" });
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain("FAILED: Cannot locate revision");
    expect(failing.stdout).toContain("::error title=locklint::the sql-command failed");
    expect(failing.summary).toBe("");
    expect(failing.nodeRuns).toEqual([]);
  });
});
