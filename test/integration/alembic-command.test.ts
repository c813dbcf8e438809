import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_PYTHON, HAS_ALEMBIC, ROOT, runCli, needs } from "../support/cli.js";
import { containing, matching, arrayWith } from "../support/matchers.js";
import { lintReport } from "../support/json-report.js";
import { expectShownInOrder, shownRuns } from "../support/shown-output.js";
import { git, makeRepository, sampleFeature, VERSIONS } from "../support/alembic-repo.js";

/**
 * `locklint alembic` against a real alembic, in a git repository: samples/shop-risky committed on
 * main, and a feature branch that adds two heads (one with a branch label), a merge, a revision
 * that fails offline and one after it.
 */

function revisionFile(id: string, down: string | string[], body: { upgrade: string; downgrade: string; labels?: string; imports?: string }): string {
  const downRevision = Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(", ")})` : `"${down}"`;
  return `"""revision ${id}"""
from alembic import op
import sqlalchemy as sa
${body.imports ?? ""}
revision = "${id}"
down_revision = ${downRevision}
branch_labels = ${body.labels ?? "None"}
depends_on = None


def upgrade():
${body.upgrade}


def downgrade():
${body.downgrade}
`;
}

const FEATURE: Record<string, string> = {
  "0006_reports.py": revisionFile("0006a", "0005", {
    labels: '("reports",)',
    upgrade: '    op.create_index("ix_orders_total", "orders", ["total"])',
    downgrade: '    op.drop_index("ix_orders_total", table_name="orders")',
  }),
  "0006_score.py": revisionFile("0006b", "0005", {
    upgrade: '    op.add_column("users", sa.Column("score", sa.Integer()))',
    downgrade: '    op.drop_column("users", "score")',
  }),
  "0007_merge.py": revisionFile("0007", ["0006a", "0006b"], { upgrade: "    pass", downgrade: "    pass" }),
  // reads rows through op.get_bind(): fails in offline mode at line 15
  "0008_backfill.py": revisionFile("0008", "0007", {
    upgrade: [
      "    conn = op.get_bind()",
      '    for row in conn.execute(sa.text("SELECT id FROM users")).fetchall():',
      '        op.execute(f"UPDATE users SET score = 1 WHERE id = {row.id}")',
    ].join("\n"),
    downgrade: "    pass",
  }),
  "0009_score_index.py": revisionFile("0009", "0008", {
    upgrade: '    op.create_index("ix_users_score", "users", ["score"])',
    downgrade: '    op.drop_index("ix_users_score", table_name="users")',
  }),
};

/** The CLI in-process in `cwd`, with this process's environment (git and the shell find their tools on PATH). */
const inProcess = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(args, "", false, { cwd, env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env } });

interface JsonFinding {
  rule: string;
  revision: string | null;
  direction: string | null;
  file: string;
  line: number;
  migration: { file: string; line: number; call: string | null } | null;
  message: string;
}

const ALEMBIC = "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)";

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic"), () => {
  let repo: string;
  const lint = (...args: string[]) => inProcess(["alembic", "--python", DEBIAN_PYTHON, ...args], repo);
  const json = async (...args: string[]) => {
    const result = await lint("--format", "json", ...args);
    return { ...result, findings: (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings };
  };
  const where = (f: JsonFinding) => [f.rule, f.revision, f.migration && `${f.migration.file}:${f.migration.line}`];

  beforeAll(() => {
    repo = makeRepository("shop-risky", FEATURE);
  });

  it("on a feature branch reports only what the branch adds, at the .py lines, with the schema of the whole history", async () => {
    const result = await json();
    expect(result.stderr).toBe("locklint alembic: 5 revisions added or changed since main (the default branch): 0006a, 0006b, 0007, 0008, 0009\n");
    expect(result.findings.map(where)).toEqual([
      // alembic runs 0006b before 0006a; the branch's revisions go out together, in the one transaction of this env.py
      ["require-lock-timeout", "0006b", `${VERSIONS}/0006_score.py:12`],
      ["require-concurrent-index-creation", "0006a", `${VERSIONS}/0006_reports.py:12`],
      // 0006b's ACCESS EXCLUSIVE on users is held through 0006a's index build (require-lock-timeout: once per deploy, at 0006b)
      ["revisions-share-transaction", "0006a", `${VERSIONS}/0006_reports.py:12`],
      ["lock-held-during-slow-statement", "0006a", `${VERSIONS}/0006_reports.py:12`],
      // op.get_bind().execute() only prints its SELECT offline; .fetchall() on its None result fails
      ["alembic-offline-failure", "0008", `${VERSIONS}/0008_backfill.py:13`],
      ["require-concurrent-index-creation", "0009", `${VERSIONS}/0009_score_index.py:12`],
    ]);
    expect(result.findings[4]!.message).toBe(
      "revision 0008: upgrade() (line 13) fails in offline mode: AttributeError: 'NoneType' object has no attribute 'fetchall'; its statements after the failing line are not linted",
    );
    // the SQL place is kept: one alembic run, all revisions in one file
    expect(new Set(result.findings.map((f) => f.file))).toEqual(new Set(["<alembic upgrade base:heads --sql>"]));
    expect(result.code).toBe(1);
  });

  it("--since-ref is the same selection; --revision takes ids, unique starts, branch labels; --all reports main's revisions too", async () => {
    expect((await json("--since-ref", "main")).findings.map(where)).toEqual((await json()).findings.map(where));
    expect((await json("--revision", "0009")).findings.map(where)).toEqual([
      ["require-concurrent-index-creation", "0009", `${VERSIONS}/0009_score_index.py:12`],
      ["require-lock-timeout", "0009", `${VERSIONS}/0009_score_index.py:12`],
    ]);
    const labelled = await lint("--revision", "reports", "--format", "json");
    expect(labelled.stderr).toBe("locklint alembic: 4 revisions named: 0006a, 0007, 0008, 0009\n");
    expect((await json("--revision", "0006b")).findings.map(where)).toEqual([["require-lock-timeout", "0006b", `${VERSIONS}/0006_score.py:12`]]);
    const all = (await json("--all")).findings;
    expect(all.map((f) => f.revision)).toEqual(arrayWith(["0002", "0003", "0004", "0005", "0006a", "0008", "0009"]));
    expect(all.find((f) => f.revision === "0002")?.migration).toMatchObject({ file: `${VERSIONS}/0002_order_lookups.py`, line: 15, call: "op.create_index" });
  });

  it("bad selections are usage errors", async () => {
    expect(await lint("--revision", "000")).toMatchObject({
      code: 2,
      stderr: containing("revision 000 is ambiguous: 0001, 0002, 0003, 0004, 0005, 0006a, 0006b, 0007, 0008, 0009 start with it"),
    });
    expect(await lint("--revision", "nope")).toMatchObject({ code: 2, stderr: containing("no revision nope in the project") });
    expect(await lint("--since-ref", "nope")).toMatchObject({ code: 2, stderr: containing("--since-ref nope: git finds no common ancestor with HEAD") });
    expect(await lint("--all", "--since-ref", "main")).toMatchObject({
      code: 2,
      stderr: "locklint: give one of --all, --revision and --since-ref, not --all and --since-ref\n",
    });
  });

  it("--downgrade also lints the downgrade path of the selected revisions (from every head at once)", async () => {
    const down = (await json("--downgrade", "--revision", "0006a", "--revision", "0006b")).findings.filter((f) => f.direction === "downgrade");
    // alembic undoes 0006a first, then 0006b, in the one transaction of the offline env.py
    expect(down.map(where)).toEqual([
      ["require-concurrent-index-deletion", "0005", `${VERSIONS}/0006_reports.py:16`],
      ["revisions-share-transaction", "0005", `${VERSIONS}/0006_reports.py:16`],
      ["require-lock-timeout", "0005", `${VERSIONS}/0006_reports.py:16`],
      ["dropping-column", "0005", `${VERSIONS}/0006_score.py:16`],
      ["require-lock-timeout", "0005", `${VERSIONS}/0006_score.py:16`],
    ]);
    expect(new Set(down.map((f) => f.file))).toEqual(new Set(["<alembic downgrade heads:base --sql>"]));
  });

  it("every format points at the .py file", async () => {
    const text = (await lint("--revision", "0009")).stdout;
    expect(text).toContain(`${VERSIONS}/0009_score_index.py:12:5  error  require-concurrent-index-creation\n`);
    expect(text).toMatch(/\n {2}sql: <alembic upgrade base:heads --sql>:\d+:1 \(from op\.create_index\)\n/);
    expect((await lint("--revision", "0009", "--format", "github")).stdout).toMatch(
      new RegExp(`^::error file=${VERSIONS}/0009_score_index.py,line=12,col=5,`, "m"),
    );
    const sarif = JSON.parse((await lint("--revision", "0009", "--format", "sarif")).stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation).toMatchObject({
      artifactLocation: { uri: `${VERSIONS}/0009_score_index.py` },
      region: { startLine: 12 },
    });
    expect((await lint("--revision", "0009", "--format", "markdown")).stdout).toContain(`${VERSIONS}/0009_score_index.py:12 (op.create_index)`);
    // from a subdirectory: alembic.ini is found upwards, paths are given from where locklint runs
    const below = await inProcess(
      ["alembic", "--python", DEBIAN_PYTHON, "--revision", "0008", "--revision", "0009", "--format", "json"],
      join(repo, "migrations"),
    );
    expect((JSON.parse(below.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.migration?.file)).toEqual([
      "versions/0008_backfill.py",
      "versions/0009_score_index.py",
      "versions/0009_score_index.py",
    ]);
    const named = await inProcess(
      ["alembic", "-c", "../alembic.ini", "--python", DEBIAN_PYTHON, "--revision", "0009", "--format", "json"],
      join(repo, "migrations"),
    );
    expect((JSON.parse(named.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.migration?.file)).toEqual([
      "versions/0009_score_index.py",
      "versions/0009_score_index.py",
    ]);
  });

  it("on main, nothing is new: nothing reported, exit 0, and the reason on stderr; an uncommitted revision file counts", async () => {
    git(repo, "checkout", "-q", "main");
    try {
      const result = await json();
      expect(result).toMatchObject({
        code: 0,
        findings: [],
        stderr: "locklint alembic: no revision file added or changed since main (the default branch): nothing to report (--all reports every revision)\n",
      });
      writeFileSync(
        join(repo, VERSIONS, "0006_score_index.py"),
        revisionFile("0006", "0005", { upgrade: '    op.create_index("ix_orders_status", "orders", ["status"])', downgrade: "    pass" }),
      );
      expect((await json()).findings.map(where)).toEqual([
        ["require-concurrent-index-creation", "0006", `${VERSIONS}/0006_score_index.py:12`],
        ["require-lock-timeout", "0006", `${VERSIONS}/0006_score_index.py:12`],
      ]);
    } finally {
      rmSync(join(repo, VERSIONS, "0006_score_index.py"), { force: true });
      git(repo, "checkout", "-q", "feature");
    }
  });

  it("a revision that stops alembic: the SQL up to it is linted and the failure reported; a broken import (no SQL at all) is exit 2 naming the file", async () => {
    const stop = revisionFile("0010", "0009", {
      upgrade: '    op.create_index("ix_users_name", "users", ["name"])\n    raise SystemExit("this migration cannot run offline")',
      downgrade: "    pass",
    });
    writeFileSync(join(repo, VERSIONS, "0010_stop.py"), stop);
    try {
      const result = await json("--revision", "0010");
      expect(result.code).toBe(1);
      expect(result.findings.map((f) => [f.rule, f.revision])).toEqual([
        ["require-concurrent-index-creation", "0010"],
        ["require-lock-timeout", "0010"],
        ["alembic-offline-failure", "0010"],
      ]);
      expect(result.findings[2]!.message).toBe(
        "revision 0010: upgrade() fails in offline mode: this migration cannot run offline; alembic stopped here: this revision's later statements and every revision after it are not linted",
      );
      writeFileSync(join(repo, VERSIONS, "0010_stop.py"), `import not_installed_here\n${stop}`);
      expect(await lint("--all")).toMatchObject({
        code: 2,
        stdout: "",
        stderr: containing(
          `alembic upgrade base:heads --sql failed (exit 1) in ${VERSIONS}/0010_stop.py:1: ModuleNotFoundError: No module named 'not_installed_here'`,
        ),
      });
    } finally {
      rmSync(join(repo, VERSIONS, "0010_stop.py"), { force: true });
    }
  });

  it("no alembic.ini, no interpreter: one-line errors", async () => {
    expect(await inProcess(["alembic"], tmpdir())).toMatchObject({ code: 2, stderr: matching(/^locklint: no alembic\.ini in .* or above it/) });
    const empty = mkdtempSync(join(tmpdir(), "locklint-ini-"));
    writeFileSync(join(empty, "alembic.ini"), "[alembic]\nscript_location = db\n");
    expect(await inProcess(["alembic"], empty)).toMatchObject({
      code: 2,
      stderr: `locklint: ${join(empty, "alembic.ini")}: version location ${join(empty, "db/versions")}: no such directory\n`,
    });
    expect(await lint("--python", "/nonexistent/python3")).toMatchObject({ code: 2, stderr: containing("locklint: cannot run /nonexistent/python3") });
  });
});

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic: configuration passed to alembic, and the default branch of a clone"), () => {
  it("--name picks the ini section and -x reaches env.py; without them alembic's own failure is the message", async () => {
    const repo = makeRepository("shop-safe", {});
    // a second database in its own section, whose env.py insists on -x tenant=...
    const ini = readFileSync(join(repo, "alembic.ini"), "utf8");
    writeFileSync(join(repo, "alembic.ini"), `${ini}\n[tenants]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/tenants\n`);
    const env = readFileSync(join(repo, "migrations/env.py"), "utf8");
    writeFileSync(
      join(repo, "migrations/env.py"),
      env.replace(
        "config = context.config",
        'config = context.config\nif config.config_ini_section == "tenants" and "tenant" not in context.get_x_argument(as_dictionary=True):\n    raise SystemExit("give -x tenant=NAME")',
      ),
    );
    const run = (...args: string[]) => inProcess(["alembic", "--python", DEBIAN_PYTHON, "--all", "--format", "json", ...args], repo);
    expect(await run("--name", "tenants")).toMatchObject({
      code: 2,
      stderr: containing("alembic upgrade base:heads --sql failed (exit 1): give -x tenant=NAME"),
    });
    const ok = await run("--name", "tenants", "-x", "tenant=acme");
    expect(ok.code, ok.stderr).toBe(0);
    expect(lintReport(ok.stdout).summary.statements).toBeGreaterThan(30);
    expect(await run("--name", "nowhere")).toMatchObject({ code: 2, stderr: containing("alembic.ini: no [nowhere] section") });
    // an env.py that writes the SQL elsewhere leaves nothing to lint: that is an error, not a pass
    writeFileSync(join(repo, "migrations/env.py"), env.replace("literal_binds=True,", 'literal_binds=True, output_buffer=open("/dev/null", "w"),'));
    expect(await run()).toMatchObject({ code: 2, stdout: "", stderr: containing("alembic printed no revision of") });
  });

  it("an env.py that fails before any SQL: exit 2 naming env.py and its line", async () => {
    const repo = makeRepository("shop-safe", {});
    const env = readFileSync(join(repo, "migrations/env.py"), "utf8");
    writeFileSync(
      join(repo, "migrations/env.py"),
      env.replace("config = context.config", 'import os\nconfig = context.config\nurl = os.environ["LOCKLINT_TEST_UNSET_URL"]'),
    );
    const result = await inProcess(["alembic", "--python", DEBIAN_PYTHON, "--all"], repo, { LOCKLINT_TEST_UNSET_URL: "" });
    expect(result.code).toBe(0);
    const unset = spawnSync(process.execPath, [join(ROOT, "bin/locklint.js"), "alembic", "--python", DEBIAN_PYTHON, "--all"], {
      cwd: repo,
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain("locklint: alembic upgrade base:heads --sql failed (exit 1) in migrations/env.py:6: KeyError: 'LOCKLINT_TEST_UNSET_URL'");
  });

  it("in a clone, the default branch is origin's HEAD", async () => {
    const repo = makeRepository("shop-safe", sampleFeature(), { clone: true });
    const result = await inProcess(["alembic", "--python", DEBIAN_PYTHON, "--format", "json"], repo);
    expect(result.stderr).toBe("locklint alembic: 2 revisions added or changed since origin/main (the default branch): 0007, 0008\n");
    expect(result.code).toBe(1);
  });
});

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "docs/alembic.md"), () => {
  it("shows the real output of samples/feature-branch.sh: a pull request on shop-safe", async () => {
    const [run] = shownRuns(readFileSync(join(ROOT, "docs/alembic.md"), "utf8"), "samples/feature-branch.sh");
    const result = spawnSync(join(ROOT, "samples/feature-branch.sh"), { encoding: "utf8", env: { ...process.env, PYTHON: DEBIAN_PYTHON, NO_COLOR: "1" } });
    expect(result.status).toBe(1);
    expectShownInOrder(run!.shown, result.stdout);
    expect(result.stderr).toBe("locklint alembic: 2 revisions added or changed since main (the default branch): 0007, 0008\n");
  });
});
