import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import type { Finding } from "../src/lint/findings.js";
import { analyze } from "../src/lint/analyze.js";
import { loadParser } from "../src/sql/parse.js";
import { decodeSource } from "../src/sql/source.js";
import { parseTree } from "../src/sql/parse-batch.js";
import { analyzeText } from "./support/analyze-text.js";

async function upgrades(sql: string): Promise<Finding[]> {
  return (await analyzeText(sql, { rules: RULES })).findings.filter((f) => f.rule === "lock-upgrade");
}

/** Tables that existed before the revision under test (committed by an earlier one): 3 + tables lines. */
const BEFORE = (tables: string[]) =>
  `-- Running upgrade  -> base\nBEGIN;\n${tables.map((t) => `CREATE TABLE ${t} (id uuid PRIMARY KEY, created timestamptz, checksum text, block_type_id uuid);`).join("\n")}\nCOMMIT;\n-- Running upgrade base -> next\nBEGIN;\n`;

describe("lock-upgrade: its advice never holds ACCESS EXCLUSIVE over a slow statement", () => {
  it("prefect d335ad57d5ba: index builds before DROP INDEX: does not advise LOCK TABLE up front, names the build, advises its own transaction or lock_timeout", async () => {
    // prefect.sql lines 699-703.
    const sql =
      BEFORE(["block_schema"]) + // lines 1-6
      [
        "CREATE INDEX ix_block_schema__block_type_id ON block_schema (block_type_id);", // 7
        "CREATE INDEX ix_block_schema__created ON block_schema (created);",
        "CREATE INDEX ix_block_schema__checksum_old ON block_schema (checksum);",
        "DROP INDEX ix_block_schema__checksum_old;", // 10
        "COMMIT;",
      ].join("\n");
    const found = await upgrades(sql);
    expect(found.map((f) => [f.line, f.severity])).toEqual([[10, "warning"]]);
    expect(found[0]!.message).toBe(
      "block_schema is locked SHARE at line 7, then ACCESS EXCLUSIVE here in the same transaction and revision: sessions holding locks the first allows wait, and may deadlock with the migration",
    );
    const help = found[0]!.help;
    // Before issue 18: "Take the strongest lock first (LOCK TABLE ... IN ACCESS EXCLUSIVE MODE at the start), ...", which would block reads for both builds.
    expect(help.text).not.toContain("LOCK TABLE");
    expect(help.sql ?? "").not.toContain("LOCK TABLE");
    expect(help.text).toBe(
      "Do not take ACCESS EXCLUSIVE at the start instead: reads of block_schema would then wait through the statement at line 7, which reads all of block_schema (index build). Run this step in its own transaction, before the slow ones (a revision of its own, with transaction_per_migration=True), or set a short lock_timeout just before it and retry the migration when it times out.",
    );
    expect(help.sql).toBe("SET LOCAL lock_timeout = '2s';\nDROP INDEX ix_block_schema__checksum_old;");
  });

  it("prefect 2882cd2df463: both shapes in one revision: LOCK TABLE up front where only a new empty table is built between, not where an index build runs between", async () => {
    // prefect.sql lines 1217-1254 (the artifact table and its indexes shortened): CREATE TABLE artifact takes SHARE ROW EXCLUSIVE
    // on flow_run_state and task_run_state (its foreign keys); only work on the new, empty artifact runs before flow_run_state's
    // ADD COLUMN, while an index build on flow_run_state runs before task_run_state's.
    const sql =
      BEFORE(["flow_run_state", "task_run_state"]) + // lines 1-7
      [
        "CREATE TABLE artifact (id UUID NOT NULL, key VARCHAR, flow_run_state_id UUID, task_run_state_id UUID, CONSTRAINT pk_artifact PRIMARY KEY (id), CONSTRAINT fk_artifact__flow_run_state_id__flow_run_state FOREIGN KEY(flow_run_state_id) REFERENCES flow_run_state (id), CONSTRAINT fk_artifact__task_run_state_id__task_run_state FOREIGN KEY(task_run_state_id) REFERENCES task_run_state (id));", // 8
        "CREATE UNIQUE INDEX ix_artifact__key ON artifact (key);",
        "ALTER TABLE flow_run_state ADD COLUMN result_artifact_id UUID;", // 10
        "CREATE INDEX ix_flow_run_state__result_artifact_id ON flow_run_state (result_artifact_id);",
        "ALTER TABLE task_run_state ADD COLUMN result_artifact_id UUID;", // 12
        "COMMIT;",
      ].join("\n");
    const found = await upgrades(sql);
    expect(found.map((f) => [f.line, f.locks.map((l) => l.relation)])).toEqual([
      [10, ["flow_run_state"]],
      [12, ["task_run_state"]],
    ]);
    const [quick, slow] = found.map((f) => f.help);
    expect(quick!.text).toBe(
      "Take the strongest lock first: LOCK TABLE flow_run_state IN ACCESS EXCLUSIVE MODE just before line 8; nothing slow runs between there and here, so it is held only a little longer. Or run the two steps in separate transactions.",
    );
    expect(quick!.sql).toBe("LOCK TABLE flow_run_state IN ACCESS EXCLUSIVE MODE;");
    expect(quick!.alembic).toBe('op.execute("LOCK TABLE flow_run_state IN ACCESS EXCLUSIVE MODE")');
    expect(slow!.text).toContain(
      "Do not take ACCESS EXCLUSIVE at the start instead: reads of task_run_state would then wait through the statement at line 11, which reads all of flow_run_state (index build).",
    );
    expect(slow!.sql).not.toContain("LOCK TABLE");
  });

  it("dispatch e003a33e2b81: a foreign key's validation scan of another table counts as slow", async () => {
    // dispatch.sql lines 1100-1104: the FK on "case" takes SHARE ROW EXCLUSIVE on "group" and reads all of "case".
    const sql =
      BEFORE(['"case"', '"group"']) +
      [
        'ALTER TABLE "case" ADD COLUMN tactical_group_id UUID;',
        'ALTER TABLE "case" ADD FOREIGN KEY(tactical_group_id) REFERENCES "group" (id);',
        'ALTER TABLE "group" ADD COLUMN case_id UUID;',
        "COMMIT;",
      ].join("\n");
    const found = await upgrades(sql);
    expect(found.map((f) => f.line)).toEqual([10]);
    expect(found[0]!.help.text).toContain("reads of group would then wait through the statement at line 9, which reads all of case (validates every row)");
    expect(found[0]!.help.text).not.toContain("LOCK TABLE");
  });

  it("dispatch df200ca113f7: nothing slow between (a new, empty table), advises LOCK TABLE up front, with the keyword table name quoted so that the advice parses", async () => {
    // dispatch.sql lines 1230-1240: the new table's foreign keys take SHARE ROW EXCLUSIVE on "case" and incident; dropping
    // incident's foreign key to "case" then takes ACCESS EXCLUSIVE on both.
    const sql = [
      "-- Running upgrade  -> base",
      "BEGIN;",
      'CREATE TABLE "case" (id INTEGER PRIMARY KEY);',
      'CREATE TABLE incident (id INTEGER PRIMARY KEY, case_id INTEGER, CONSTRAINT incident_case_id_fkey FOREIGN KEY(case_id) REFERENCES "case" (id));',
      "COMMIT;",
      "-- Running upgrade e49209df586d -> df200ca113f7",
      "BEGIN;",
      'CREATE TABLE assoc_case_incidents (case_id INTEGER NOT NULL, incident_id INTEGER NOT NULL, PRIMARY KEY (case_id, incident_id), FOREIGN KEY(case_id) REFERENCES "case" (id) ON DELETE CASCADE, FOREIGN KEY(incident_id) REFERENCES incident (id) ON DELETE CASCADE);', // 8
      "ALTER TABLE incident DROP CONSTRAINT incident_case_id_fkey;", // 9
      "COMMIT;",
    ].join("\n");
    const found = await upgrades(sql);
    expect(found.map((f) => [f.line, f.locks.map((l) => l.relation)])).toEqual([
      [9, ["incident"]],
      [9, ["case"]],
    ]);
    const help = found[1]!.help;
    expect(help.text).toBe(
      'Take the strongest lock first: LOCK TABLE "case" IN ACCESS EXCLUSIVE MODE just before line 8; nothing slow runs between there and here, so it is held only a little longer. Or run the two steps in separate transactions.',
    );
    expect(help.sql).toBe('LOCK TABLE "case" IN ACCESS EXCLUSIVE MODE;');
    expect(help.alembic).toBe('op.execute("LOCK TABLE \\"case\\" IN ACCESS EXCLUSIVE MODE")');
    await loadParser();
    expect(() => parseTree(help.sql!)).not.toThrow();
  });

  it("SHARE then SHARE ROW EXCLUSIVE (shop-risky 0002): the stronger lock blocks no more reads or writes, so taking it first is harmless even before the index build", async () => {
    // samples/shop-risky/upgrade.sql lines 31-33.
    const sql =
      BEFORE(["orders", "users"]) +
      "CREATE INDEX ix_orders_user_id ON orders (block_type_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY(block_type_id) REFERENCES users (id);\nCOMMIT;";
    const found = await upgrades(sql);
    expect(found.map((f) => f.line)).toEqual([9]);
    expect(found[0]!.help.text).toBe(
      "Take the strongest lock first: LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE just before line 8; SHARE already blocks the same reads and writes from there. Or run the two steps in separate transactions.",
    );
  });

  it("the rule's own example (CREATE INDEX, then ADD COLUMN) no longer advises LOCK TABLE before the index build", async () => {
    const found = await upgrades(BEFORE(["orders"]) + "CREATE INDEX ix_orders_total ON orders (created);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;");
    expect(found.map((f) => f.line)).toEqual([8]);
    expect(found[0]!.help.text).toMatch(
      /^Do not take ACCESS EXCLUSIVE at the start instead: reads of orders would then wait through the statement at line 7, which reads all of orders \(index build\)/,
    );
  });
});

describe("lock-upgrade keeps its state in the run (RuleContext.unitState), not in the module", () => {
  it("two runs in one process, and the same text as two files of one run, give the same findings", async () => {
    const sql =
      BEFORE(["orders"]) +
      "CREATE INDEX ix_orders_total ON orders (created);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD COLUMN x int;\nCOMMIT;";
    const first = await upgrades(sql);
    const second = await upgrades(sql);
    expect(first.map((f) => [f.line, f.message, f.help.text])).toEqual(second.map((f) => [f.line, f.message, f.help.text]));
    expect(first.map((f) => f.line)).toEqual([8]);
    await loadParser();
    const file = (path: string) => decodeSource(path, new TextEncoder().encode(sql));
    const both = analyze([file("a.sql"), file("b.sql")], { pgVersion: 14, rules: RULES }).findings.filter((f) => f.rule === "lock-upgrade");
    const shown = (f: Finding) => [f.line, f.message, f.help.text];
    expect(both.filter((f) => f.file === "b.sql").map(shown)).toEqual(both.filter((f) => f.file === "a.sql").map(shown));
    expect(both.filter((f) => f.file === "a.sql").map(shown)).toEqual(first.map(shown));
  });
});
