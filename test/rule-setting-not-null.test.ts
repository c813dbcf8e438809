import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: `setting-not-null` fired on columns already NOT NULL in the schema the history built.
// SET NOT NULL on a column that is already NOT NULL is a no-op: ACCESS EXCLUSIVE, no scan. Measured on
// PGlite (PostgreSQL 18.6) and on a PostgreSQL 15.18 server: a column declared NOT NULL, and one NOT NULL
// through a primary key, read 0 rows (seq_tup_read unchanged); a nullable column read all 3000 rows.

async function findings(sql: string): Promise<{ line: number; message: string }[]> {
  const r = await runCli(["--format", "json", "--rules", "setting-not-null"], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ line: f.line, message: f.message }));
}

describe("setting-not-null: silent where the column is already NOT NULL", () => {
  it("dify: apps.api_rpm, declared NOT NULL by CREATE TABLE in an earlier revision", async () => {
    const sql = [
      "-- Running upgrade  -> 64b051264f32",
      "CREATE TABLE apps (",
      "    id UUID DEFAULT uuid_generate_v4() NOT NULL, ",
      "    api_rpm INTEGER NOT NULL, ",
      "    CONSTRAINT app_pkey PRIMARY KEY (id)",
      ");",
      "-- Running upgrade 64b051264f32 -> 9f4e3427ea84",
      "ALTER TABLE apps ALTER COLUMN api_rpm SET NOT NULL;",
      "ALTER TABLE apps ALTER COLUMN id SET NOT NULL;",
      "",
    ].join("\n");
    expect(await findings(sql)).toEqual([]);
  });

  it("prefect: work_queue.work_pool_id, made NOT NULL by the revision before (the first SET NOT NULL fires, the second does not)", async () => {
    const sql = [
      "-- Running upgrade 0a1250a5aa25 -> f98ae6d8e2cc",
      "ALTER TABLE work_queue ADD COLUMN work_pool_id UUID;",
      "ALTER TABLE work_queue ALTER COLUMN work_pool_id SET NOT NULL;",
      "-- Running upgrade f98ae6d8e2cc -> 2a88656f4a23",
      "ALTER TABLE work_queue ALTER COLUMN work_pool_id SET NOT NULL;",
      "",
    ].join("\n");
    expect((await findings(sql)).map((f) => f.line)).toEqual([3]);
  });

  it("full-stack-fastapi-template: item.owner_id was NOT NULL, but the column renamed into its place is not: fires", async () => {
    const sql = [
      "-- Running upgrade  -> e2412789c190",
      "CREATE TABLE item (id SERIAL NOT NULL, owner_id INTEGER NOT NULL, PRIMARY KEY (id));",
      "-- Running upgrade 9c0a54914c78 -> d98dd8ec85a3",
      "ALTER TABLE item ADD COLUMN new_owner_id UUID;",
      "ALTER TABLE item DROP COLUMN owner_id;",
      "ALTER TABLE item RENAME new_owner_id TO owner_id;",
      "-- Running upgrade d98dd8ec85a3 -> 1a31ce608336",
      "ALTER TABLE item ALTER COLUMN owner_id SET NOT NULL;",
      "",
    ].join("\n");
    expect(await findings(sql)).toEqual([{ line: 8, message: expect.stringMatching(/^SET NOT NULL on item\.owner_id scans the whole table/) as unknown }]);
  });

  // mlflow: metric_pk is added on metrics (a table from before the history) with `value` among its columns, which makes
  // `value` NOT NULL: the replay records it for a column it had not seen yet
  it("mlflow: metrics.value, NOT NULL through a primary key added on a table from before the history", async () => {
    const sql = [
      "-- Running upgrade  -> 451aebb31d03",
      "ALTER TABLE metrics DROP CONSTRAINT metric_pk;",
      "ALTER TABLE metrics ADD CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value);",
      "-- Running upgrade 90e64c465722 -> 181f10493468",
      "ALTER TABLE metrics ALTER COLUMN value TYPE FLOAT(53);",
      "ALTER TABLE metrics ALTER COLUMN value SET NOT NULL;",
      "",
    ].join("\n");
    expect(await findings(sql)).toEqual([]);
  });
});

const CORPUS = join(ROOT, "..", "shared", "corpus", "alembic");

describe("setting-not-null on the corpus: the lines it fires at", () => {
  const cases: [string, number[], number[]][] = [
    // file, lines it must not fire at (already NOT NULL), lines it must fire at (nullable before)
    ["dify.sql", [1460, 1464], [1988, 1990]],
    ["prefect.sql", [1406], [1388]],
    ["mlflow.sql", [28, 163, 167], [197]],
  ];
  for (const [name, silent, firing] of cases) {
    const file = join(CORPUS, name);
    if (!existsSync(file)) {
      it.skip(`${name} (skipped: needs the corpus at ${CORPUS})`, () => {});
      continue;
    }
    it(`${name}: silent at ${silent.join(", ")}, fires at ${firing.join(", ")}`, async () => {
      const lines = (await findings(readFileSync(file, "utf8"))).map((f) => f.line);
      for (const line of silent) expect(lines).not.toContain(line);
      for (const line of firing) expect(lines).toContain(line);
    });
  }
});
