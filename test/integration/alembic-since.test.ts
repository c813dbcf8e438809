import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_PYTHON, HAS_ALEMBIC, needs, runCli } from "../support/cli.js";
import { makeRepository, VERSIONS } from "../support/alembic-repo.js";

/**
 * The same revisions through `locklint alembic --since-ref` and through the pipe
 * (`alembic upgrade base:heads --sql | locklint --since REV --alembic-dir ...`) get the same
 * findings: both judge what a branch adds as one deploy on a database that holds the earlier
 * revisions. A feature branch on samples/shop-risky (main ends at 0005, one transaction for the
 * whole run, as alembic's default env.py): 0006 creates invoices and adds orders.note, 0007
 * indexes both tables and changes the type of orders.note.
 */

const revision = (id: string, down: string, upgrade: string[]) =>
  [
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = "${id}"`,
    `down_revision = "${down}"`,
    "branch_labels = None",
    "depends_on = None",
    "",
    "",
    "def upgrade():",
    ...upgrade.map((line) => `    ${line}`),
    "",
    "",
    "def downgrade():",
    "    pass",
    "",
  ].join("\n");

const FEATURE = {
  "0006_invoices.py": revision("0006", "0005", [
    'op.create_table("invoices", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("order_id", sa.Integer()))', // line 11
    'op.add_column("orders", sa.Column("note", sa.Text()))', // 12
  ]),
  "0007_indexes.py": revision("0007", "0006", [
    'op.create_index("ix_invoices_order_id", "invoices", ["order_id"])', // 11
    'op.create_index("ix_orders_note", "orders", ["note"])', // 12
    'op.alter_column("orders", "note", type_=sa.String(100))', // 13
  ]),
};

interface JsonFinding {
  rule: string;
  revision: string | null;
  line: number;
  message: string;
  help: string;
  migration: { file: string; line: number; call: string | null } | null;
}

const ALEMBIC = "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)";

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic --since-ref and the pipe with --since"), () => {
  let repo: string;
  const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
  const shown = (f: JsonFinding) => [f.rule, f.revision, f.line, f.migration && `${f.migration.file}:${f.migration.line}`, f.message, f.help];
  const cli = (args: string[], input = "") => runCli(args, input, false, { cwd: repo, env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "" } });

  beforeAll(() => {
    repo = makeRepository("shop-risky", FEATURE);
  });

  it("the same findings, messages and .py places through both", async () => {
    const project = await cli(["alembic", "--python", DEBIAN_PYTHON, "--since-ref", "main", "--format", "json"]);
    expect(project.stderr).toBe("locklint alembic: 2 revisions added or changed since main: 0006, 0007\n");
    const rendered = spawnSync(DEBIAN_PYTHON, ["-m", "alembic", "upgrade", "base:heads", "--sql"], { cwd: repo, encoding: "utf8" });
    expect(rendered.status).toBe(0);
    // --alembic-dir is read from the process's directory: given absolute, its files are named so
    const piped = await cli(["--since", "0005", "--alembic-dir", join(repo, VERSIONS), "--format", "json"], rendered.stdout);
    const viaProject = findingsOf(project.stdout);
    const fromRepo = (text: string) => text.replaceAll(`${repo}/`, "");
    expect(viaProject.map(shown)).toEqual(findingsOf(fromRepo(piped.stdout)).map(shown));
    expect([project.code, piped.code]).toEqual([1, 1]);
    expect(viaProject.map((f) => [f.rule, f.migration && `${f.migration.file}:${f.migration.line}`])).toEqual([
      ["require-lock-timeout", `${VERSIONS}/0006_invoices.py:12`],
      // one transaction: orders stays ACCESS EXCLUSIVE from 0006 through 0007 (before: not reported through locklint alembic)
      ["revisions-share-transaction", `${VERSIONS}/0007_indexes.py:11`],
      ["require-concurrent-index-creation", `${VERSIONS}/0007_indexes.py:12`],
      ["lock-held-during-slow-statement", `${VERSIONS}/0007_indexes.py:12`],
      ["changing-column-type", `${VERSIONS}/0007_indexes.py:13`],
    ]);
    // invoices is created by 0006, deployed with 0007: its index blocks no one (before: reported through locklint alembic only)
    expect(viaProject.some((f) => /\binvoices\b/.test(f.message))).toBe(false);
    // the message names the .py place of the statement that took the lock, not a line of the rendered SQL
    expect(viaProject.find((f) => f.rule === "lock-held-during-slow-statement")?.message).toBe(
      `this statement reads all of orders while ACCESS EXCLUSIVE on orders, taken at ${VERSIONS}/0006_invoices.py:12 (op.add_column), is still held: reads and writes of orders wait for it too`,
    );
  });

  it("a changed revision that unselected ones build on is judged on its own, as --revision judges it; the new ones as before", async () => {
    const changed = makeRepository("shop-risky", FEATURE);
    const old = join(changed, VERSIONS, "0004_bigger_amounts.py");
    writeFileSync(old, `${readFileSync(old, "utf8")}\n# a comment added on the branch\n`);
    const run = async (...args: string[]) => {
      const result = await runCli(["alembic", "--python", DEBIAN_PYTHON, "--format", "json", ...args], "", false, { cwd: changed, env: { ...process.env } });
      return { stderr: result.stderr, findings: findingsOf(result.stdout) };
    };
    const selected = await run("--since-ref", "main");
    expect(selected.stderr).toBe("locklint alembic: 3 revisions added or changed since main: 0004, 0006, 0007\n");
    const of = (findings: JsonFinding[], revisions: string[]) => findings.filter((f) => revisions.includes(f.revision ?? "")).map(shown);
    expect(of(selected.findings, ["0004"])).toEqual(of((await run("--revision", "0004")).findings, ["0004"]));
    expect(of(selected.findings, ["0004"]).length).toBeGreaterThan(0);
    // the branch's new revisions: the same findings as without the changed one
    const unchanged = await cli(["alembic", "--python", DEBIAN_PYTHON, "--since-ref", "main", "--format", "json"]);
    expect(of(selected.findings, ["0006", "0007"])).toEqual(of(findingsOf(unchanged.stdout), ["0006", "0007"]));
  });

  it("without the migration files, the pipe cites the SQL line", async () => {
    const rendered = spawnSync(DEBIAN_PYTHON, ["-m", "alembic", "upgrade", "base:heads", "--sql"], { cwd: repo, encoding: "utf8" });
    const piped = findingsOf((await cli(["--since", "0005", "--format", "json"], rendered.stdout)).stdout);
    const held = piped.find((f) => f.rule === "lock-held-during-slow-statement")!;
    const alter = rendered.stdout.split("\n").indexOf("ALTER TABLE orders ADD COLUMN note TEXT;") + 1;
    expect(alter).toBeGreaterThan(0);
    expect(held.message).toContain(`ACCESS EXCLUSIVE on orders, taken at line ${alter}, is still held`);
    expect(held.migration).toBeNull();
  });
});
