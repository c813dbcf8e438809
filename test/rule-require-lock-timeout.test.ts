import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import type { Finding } from "../src/lint/findings.js";
import { analyzeText } from "./support/analyze-text.js";

const CORPUS = "/work/shared/corpus/alembic";

/** require-lock-timeout findings of a script, run with every rule. */
async function requireLockTimeout(sql: string, path?: string): Promise<Finding[]> {
  return (await analyzeText(sql, { rules: RULES, path })).findings.filter((f) => f.rule === "require-lock-timeout");
}

/** An earlier revision that created the tables, then the revision under test (its first statement is line 7). */
const BEFORE = (tables: string[]) =>
  `-- Running upgrade  -> base\nBEGIN;\n${tables.map((t) => `CREATE TABLE ${t} (id uuid PRIMARY KEY, flow_run_id uuid, user_id uuid, conversation_id uuid);`).join(" ")}\nCOMMIT;\n-- Running upgrade base -> next\nBEGIN;\n`;

describe("require-lock-timeout: every lock that makes writes or reads queue, on a table from before the revision", () => {
  it("prefect 7c453555d3a5: ADD FOREIGN KEY on an existing table (SHARE ROW EXCLUSIVE on both tables) fires", async () => {
    // prefect.sql line 1634, the only statement of its revision; before issue 18 nothing fired (only ACCESS EXCLUSIVE counted).
    const sql =
      BEFORE(["flow_run", "flow_run_input"]) +
      "ALTER TABLE flow_run_input ADD CONSTRAINT fk_flow_run_input__flow_run_id__flow_run FOREIGN KEY(flow_run_id) REFERENCES flow_run (id) ON DELETE cascade;\nCOMMIT;";
    const found = await requireLockTimeout(sql);
    expect(found.map((f) => [f.line, f.severity])).toEqual([[7, "warning"]]);
    expect(found[0]!.message).toMatch(
      /^SHARE ROW EXCLUSIVE on existing table flow_run(_input)? with no lock_timeout: .* every write on flow_run(_input)? queues behind it/,
    );
  });

  it("dify 8ae9bc661daa: CREATE INDEX without CONCURRENTLY on an existing table (SHARE) fires once for the revision", async () => {
    // dify.sql lines 1267-1269: two index builds on tool_conversation_variables.
    const sql =
      BEFORE(["tool_conversation_variables"]) +
      "CREATE INDEX conversation_id_idx ON tool_conversation_variables (conversation_id);\nCREATE INDEX user_id_idx ON tool_conversation_variables (user_id);\nCOMMIT;";
    const found = await requireLockTimeout(sql);
    expect(found.map((f) => f.line)).toEqual([7]);
    expect(found[0]!.message).toBe(
      "SHARE on existing table tool_conversation_variables with no lock_timeout: if any transaction holds a conflicting lock on it, this statement waits and every write on tool_conversation_variables queues behind it (first such statement in this revision)",
    );
  });

  it("ctfd 080d29b15cd3: CREATE TABLE ... REFERENCES an existing table takes SHARE ROW EXCLUSIVE on it and fires", async () => {
    // ctfd.sql lines 278-288.
    const sql =
      BEFORE(["users"]) +
      "CREATE TABLE tokens (id SERIAL NOT NULL, type VARCHAR(32), user_id INTEGER, value VARCHAR(128), PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, UNIQUE (value));\nCOMMIT;";
    const found = await requireLockTimeout(sql);
    expect(found.map((f) => f.line)).toEqual([7]);
    expect(found[0]!.message).toContain("SHARE ROW EXCLUSIVE on existing table users");
  });

  it("the first write-blocking statement of the revision is the one reported, and the stronger lock of a statement is named", async () => {
    const sql = BEFORE(["flow_run"]) + "CREATE INDEX ix_a ON flow_run (user_id);\nALTER TABLE flow_run ADD COLUMN note text;\nCOMMIT;";
    expect((await requireLockTimeout(sql)).map((f) => [f.line, f.message.split(" with ")[0]])).toEqual([[7, "SHARE on existing table flow_run"]]);
    const alter = BEFORE(["flow_run"]) + "ALTER TABLE flow_run ADD COLUMN note text;\nCOMMIT;";
    expect((await requireLockTimeout(alter))[0]!.message).toContain(
      "ACCESS EXCLUSIVE on existing table flow_run with no lock_timeout: if any transaction holds a conflicting lock on it, this statement waits and every query on flow_run",
    );
  });

  it("prefect 733ca1903976: a table created in the same revision, its index and its foreign keys do not fire", async () => {
    // prefect.sql lines 1617-1628 (the FK to flow_run came in the next revision).
    const sql =
      BEFORE(["flow_run"]) +
      "CREATE TABLE flow_run_input (id UUID NOT NULL, updated TIMESTAMP WITH TIME ZONE, flow_run_id UUID NOT NULL, CONSTRAINT pk_flow_run_input PRIMARY KEY (id));\nCREATE INDEX ix_flow_run_input__updated ON flow_run_input (updated);\nALTER TABLE flow_run_input ADD COLUMN sender VARCHAR;\nCOMMIT;";
    expect(await requireLockTimeout(sql)).toEqual([]);
  });

  it("weaker locks do not fire: CREATE INDEX CONCURRENTLY and VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE) block neither reads nor writes", async () => {
    const sql =
      BEFORE(["flow_run"]) +
      "COMMIT;\nCREATE INDEX CONCURRENTLY ix_a ON flow_run (user_id);\nBEGIN;\nALTER TABLE flow_run VALIDATE CONSTRAINT some_fk;\nCOMMIT;";
    expect(await requireLockTimeout(sql)).toEqual([]);
  });

  it("a lock_timeout set before the statement satisfies it", async () => {
    const sql = BEFORE(["flow_run"]) + "SET lock_timeout = '5s';\nCREATE INDEX ix_a ON flow_run (user_id);\nCOMMIT;";
    expect(await requireLockTimeout(sql)).toEqual([]);
  });
});

describe("require-lock-timeout on the corpus (594 findings before issue 18, about 700 after: the revisions whose only strong lock is SHARE or SHARE ROW EXCLUSIVE)", () => {
  // the lines where the revision's first write-blocking lock is SHARE (index build) or SHARE ROW EXCLUSIVE (foreign key); none fired before
  const expected: Record<string, [number, string][]> = {
    "prefect.sql": [
      [1634, "SHARE ROW EXCLUSIVE on existing table flow_run"],
      [1378, "SHARE on existing table flow_run"],
    ],
    "dify.sql": [
      [1267, "SHARE on existing table tool_conversation_variables"],
      [1139, "SHARE ROW EXCLUSIVE on existing table apps"],
    ],
  };
  for (const [file, lines] of Object.entries(expected)) {
    const path = `${CORPUS}/${file}`;
    if (!existsSync(path)) {
      it.skip(`${file} (skipped: needs the corpus at ${CORPUS})`, () => {});
      continue;
    }
    it(`${file}: fires at lines ${lines.map(([l]) => l).join(", ")}, and at most once per revision`, async () => {
      const found = await requireLockTimeout(readFileSync(path, "utf8"), path);
      expect(new Set(found.map((f) => f.revision?.id ?? null)).size).toBe(found.length);
      for (const [line, text] of lines) expect(found.find((f) => f.line === line)?.message).toContain(text);
    }, 60_000);
  }
});
