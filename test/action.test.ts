import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEBIAN_PYTHON, HAS_ALEMBIC, ROOT } from "./support/cli.js";
import { makeRepository, sampleFeature } from "./support/alembic-repo.js";

// action.yml as GitHub reads it; its lint step's script runs here as the runner would run it,
// with the inputs' expressions substituted (the setup-node and npm ci steps are GitHub's and CI's).
interface Step {
  name?: string;
  uses?: string;
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
if (!HAS_ALEMBIC) console.warn("SKIPPED: action.yml with alembic's sql-command: /usr/bin/python3 cannot import alembic");

function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in action.inputs)) throw new Error(`action.yml uses an undeclared input ${name}`);
    return inputs[name] ?? action.inputs[name]!.default;
  });
}

/** Runs the lint step as a runner would: bash, the step's env and working directory, a step summary file. */
function runLintStep(inputs: Record<string, string>, runnerEnv: Record<string, string> = {}) {
  const step = action.runs.steps.find((s) => s.name === "Lint the migrations")!;
  const temp = mkdtempSync(join(tmpdir(), "locklint-action-"));
  const summary = join(temp, "summary.md");
  writeFileSync(summary, "");
  const env: Record<string, string> = { ...process.env, NO_COLOR: "1", GITHUB_ACTION_PATH: ROOT, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: temp, ...runnerEnv };
  for (const [key, value] of Object.entries(step.env ?? {})) env[key] = expand(value, inputs);
  const cwd = resolve(ROOT, expand(step["working-directory"] ?? ".", inputs));
  const r = spawnSync("bash", ["-e", "-c", step.run!], { cwd, env, encoding: "utf8" });
  expect(r.stdout.includes("${{"), "an expression was left unexpanded").toBe(false);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, "utf8") };
}

describe("action.yml", () => {
  it("is a composite action: set up Node, install with npm ci, lint; every input has a description and a default", () => {
    expect(action.runs.using).toBe("composite");
    const steps = action.runs.steps;
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(steps[1]!.run).toContain('npm ci --prefix "$GITHUB_ACTION_PATH"');
    expect(steps[2]!.name).toBe("Lint the migrations");
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(typeof input.default, name).toBe("string");
      expect(input.description.length, name).toBeGreaterThan(10);
    }
  });

  it.skipIf(!HAS_ALEMBIC)("with alembic's --sql output: a markdown step summary, annotations, a SARIF file, and a failed job", () => {
    const sarif = join(tmpdir(), `locklint-action-${process.pid}.sarif`);
    const r = runLintStep({ "working-directory": "samples/shop-risky", "sql-command": "/usr/bin/python3 -m alembic upgrade head --sql", since: "0001", "sarif-file": sarif, args: "--alembic-dir migrations/versions" });
    expect(r.code, r.stderr).toBe(1);
    expect(r.summary).toMatch(/^## locklint: 7 errors/);
    expect(r.summary).toContain("### Revision 0002 (upgrade from 0001)");
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    // on the migration file the pull request changed, at its op.create_index call
    expect(annotations[0]).toMatch(/^::error file=migrations\/versions\/0002_order_lookups\.py,line=15,col=5,title=locklint require-concurrent-index-creation::.*%0ASQL: .*locklint-migration\.sql:31: /);
    expect(annotations.length).toBe(18);
    const log = JSON.parse(readFileSync(sarif, "utf8")) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results.length).toBe(18);
  });

  it("a safe SQL file passes; fail-on never passes the risky one", () => {
    expect(runLintStep({ "sql-file": "samples/shop-safe/upgrade.sql" }).code).toBe(0);
    const never = runLintStep({ "sql-file": "samples/shop-risky/upgrade.sql", "fail-on": "never" });
    expect(never.code).toBe(0);
    expect(never.stdout).toContain("::error file=samples/shop-risky/upgrade.sql,line=31");
    expect(never.summary).toContain("## locklint: 7 errors");
  });

  it.skipIf(!HAS_ALEMBIC)("with alembic-ini on a pull request: the revisions added since origin/<base branch>, annotated on their .py files", () => {
    const repo = makeRepository("shop-safe", sampleFeature(), { clone: true });
    const sarif = join(repo, "locklint.sarif");
    const r = runLintStep({ "working-directory": repo, "alembic-ini": "alembic.ini", python: DEBIAN_PYTHON, "sarif-file": sarif }, { GITHUB_BASE_REF: "main" });
    expect(r.code, r.stderr).toBe(1);
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
  });

  it("no input, or a failing command: exit 2 with an error annotation", () => {
    const none = runLintStep({});
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("::error title=locklint::give the action alembic-ini, sql-command or sql-file");
    const failing = runLintStep({ "sql-command": "echo 'FAILED: Cannot locate revision' >&2; exit 1" });
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain("FAILED: Cannot locate revision");
    expect(failing.stdout).toContain("::error title=locklint::the sql-command failed");
    expect(failing.summary).toBe("");
  });
});
