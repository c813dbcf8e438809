import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMigrationFile } from "../src/alembic/migration-files.js";
import { ROOT, runCli } from "./support/cli.js";

const VERSIONS = "samples/shop-risky/migrations/versions";
const RISKY = "samples/shop-risky/upgrade.sql";

interface JsonFinding {
  rule: string;
  line: number;
  message: string;
  migration: { file: string; line: number; column: number; call: string | null } | null;
}
const findings = async (...args: string[]) => (JSON.parse((await runCli(["--format", "json", ...args])).stdout) as { findings: JsonFinding[] }).findings;

describe("reading migration files", () => {
  it("finds the revision id (annotated or not), the functions and their op calls, strings with parentheses included", () => {
    const file = readMigrationFile(
      "v/abc.py",
      [
        '"""doc: revision = "not-this"',
        '"""',
        'revision: str = "abc123"',
        'down_revision: Union[str, None] = "def456"',
        "",
        "def upgrade() -> None:",
        '    with op.batch_alter_table("t") as batch_op:',
        '        batch_op.add_column(sa.Column("x", sa.Text(), server_default=")"))',
        '    op.execute("""',
        "        UPDATE t SET x = '(' WHERE id > 0",
        '    """)',
        "",
        "def downgrade():",
        '    op.drop_column("t", "x")',
      ].join("\n"),
    );
    expect(file?.revision).toBe("abc123");
    expect(file?.upgrade?.line).toBe(6);
    expect(file?.upgrade?.calls.map((c) => [c.name, c.line, c.column])).toEqual([
      ["op.batch_alter_table", 7, 10],
      ["batch_op.add_column", 8, 9],
      ["op.execute", 9, 5],
    ]);
    expect(file?.upgrade?.calls[2]!.text).toMatch(/^op\.execute\("""[\s\S]*"""\)$/);
    expect(file?.downgrade?.calls.map((c) => c.name)).toEqual(["op.drop_column"]);
    expect(readMigrationFile("x.py", "import os\n")).toBeNull();
  });
});

describe("--alembic-dir", () => {
  it("points each finding at the op.* call that printed its statement (text and json)", async () => {
    const text = (await runCli(["--alembic-dir", VERSIONS, RISKY])).stdout;
    expect(text).toContain(`${VERSIONS}/0002_order_lookups.py:15:5  error  require-concurrent-index-creation\n  `);
    expect(text).toContain(`  sql: ${RISKY}:31:1 (from op.create_index)\n`);
    const located = (await findings("--alembic-dir", VERSIONS, RISKY)).map((f) => [
      f.rule,
      f.line,
      f.migration?.file.replace(`${VERSIONS}/`, ""),
      f.migration?.line,
      f.migration?.call,
    ]);
    expect(located).toContainEqual(["constraint-missing-not-valid", 33, "0002_order_lookups.py", 16, "op.create_foreign_key"]);
    // three alter_column calls on two tables: each statement finds its own
    expect(located).toContainEqual(["changing-column-type", 49, "0004_bigger_amounts.py", 16, "op.alter_column"]);
    expect(located).toContainEqual(["setting-not-null", 51, "0004_bigger_amounts.py", 17, "op.alter_column"]);
    expect(located).toContainEqual(["renaming-column", 53, "0004_bigger_amounts.py", 18, "op.alter_column"]);
    expect((await findings(RISKY)).every((f) => f.migration === null)).toBe(true);
  });

  it("downgrades point at the downgrade() of the revision being undone", async () => {
    const located = await findings("--alembic-dir", VERSIONS, "samples/shop-risky/downgrade.sql");
    expect(located.find((f) => f.rule === "require-concurrent-index-creation")?.migration).toEqual({
      file: `${VERSIONS}/0005_cleanup.py`,
      line: 22,
      column: 5,
      call: "op.create_index",
    });
  });

  it("github annotations go on the .py file, with the SQL place in the message; SARIF lists the .py first", async () => {
    const github = (await runCli(["--format", "github", "--alembic-dir", VERSIONS, RISKY])).stdout.split("\n");
    expect(github[0]).toMatch(
      /^::error file=samples\/shop-risky\/migrations\/versions\/0002_order_lookups\.py,line=15,col=5,title=locklint require-concurrent-index-creation::/,
    );
    expect(github[0]).toContain("%0ASQL: samples/shop-risky/upgrade.sql:31: CREATE INDEX ix_orders_user_id ON orders (user_id)%0A");
    const sarif = JSON.parse((await runCli(["--format", "sarif", "--alembic-dir", VERSIONS, RISKY])).stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const locations = sarif.runs[0]!.results[0]!.locations.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine]);
    expect(locations).toEqual([
      [`${VERSIONS}/0002_order_lookups.py`, 15],
      [RISKY, 31],
    ]);
  });

  it("op.execute text is matched to its statement; a statement no call explains points at def upgrade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-versions-"));
    writeFileSync(
      join(dir, "a1_backfill.py"),
      [
        'revision = "a1"',
        'down_revision = "a0"',
        "",
        "def upgrade():",
        '    op.add_column("orders", sa.Column("note", sa.Text()))',
        "    op.execute(\"UPDATE orders SET note = ''\")",
        "",
        "def downgrade():",
        "    pass",
        "",
      ].join("\n"),
    );
    const sql = join(dir, "upgrade.sql");
    writeFileSync(sql, ["CREATE TABLE orders (id int);", "-- Running upgrade a0 -> a1", "UPDATE orders SET note = '';", "LOCK TABLE orders;", ""].join("\n"));
    const located = await findings("--rules", "all", "--alembic-dir", dir, sql);
    expect(located.find((f) => f.rule === "backfilling-in-migration")?.migration).toMatchObject({ line: 6, call: "op.execute" });
    expect(located.find((f) => f.line === 4)?.migration).toMatchObject({ line: 4, call: null });
  });

  it("messages cite an earlier statement at its .py file, line and op.* call; without the migration files, at its SQL line", async () => {
    const cited = (list: JsonFinding[], rule: string) => list.find((f) => f.rule === rule)?.message;
    const located = await findings("--rules", "all", "--alembic-dir", VERSIONS, RISKY);
    const plain = await findings("--rules", "all", RISKY);
    // the ACCESS EXCLUSIVE of op.alter_column (SQL line 49) is held while the next statement scans users
    expect(cited(located, "lock-held-during-slow-statement")).toContain(
      `ACCESS EXCLUSIVE on orders, taken at ${VERSIONS}/0004_bigger_amounts.py:16 (op.alter_column), is still held`,
    );
    expect(cited(plain, "lock-held-during-slow-statement")).toContain("ACCESS EXCLUSIVE on orders, taken at line 49, is still held");
    expect(cited(located, "lock-upgrade")).toContain(`orders is locked SHARE at ${VERSIONS}/0002_order_lookups.py:15 (op.create_index), then`);
    expect(cited(plain, "lock-upgrade")).toContain("orders is locked SHARE at line 31, then");
    expect(cited(located, "multiple-alter-table")).toContain(`another ALTER TABLE users (${VERSIONS}/0003_user_status.py:17 (op.add_column))`);
    // the finding and the message citing the same statement name the same place
    const upgrade = located.find((f) => f.rule === "lock-upgrade")!;
    const index = located.find((f) => f.rule === "require-concurrent-index-creation" && f.line === 31)!;
    expect(`${index.migration?.file}:${index.migration?.line} (${index.migration?.call})`).toBe(`${VERSIONS}/0002_order_lookups.py:15 (op.create_index)`);
    expect(upgrade.message).toContain(`${index.migration?.file}:${index.migration?.line} (${index.migration?.call})`);
  });

  it("a directory that does not exist is a usage error (exit 2)", async () => {
    const r = await runCli(["--alembic-dir", "no/such/versions", RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--alembic-dir no/such/versions: no such directory");
  });
});

describe("alembic-dir in the configuration file", () => {
  it("is resolved against the file's directory, and findings name the .py relative to the working directory", async () => {
    const r = await runCli(["--format", "json", join(ROOT, RISKY)], "", false, { cwd: join(ROOT, "samples/shop-risky") });
    // no config there: no migration locations
    expect((JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings[0]!.migration).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "locklint-alembic-config-"));
    writeFileSync(join(dir, "locklint.toml"), `alembic-dir = ${JSON.stringify(join(ROOT, VERSIONS))}\n`);
    const withConfig = await runCli(["--format", "json", "--config", join(dir, "locklint.toml"), RISKY]);
    expect((JSON.parse(withConfig.stdout) as { findings: JsonFinding[] }).findings[0]!.migration).toEqual({
      file: `${VERSIONS}/0002_order_lookups.py`,
      line: 15,
      column: 5,
      call: "op.create_index",
    });
    writeFileSync(join(dir, "locklint.toml"), "alembic-dir = 3\n");
    const bad = await runCli(["--config", join(dir, "locklint.toml"), RISKY]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("locklint.toml: alembic-dir: expected a directory, or a list of them");
  });
});
