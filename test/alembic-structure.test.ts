import { describe, expect, it } from "vitest";
import { analyzeText } from "./support/analyze-text.js";

const HISTORY = `CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> a1

CREATE TABLE users (
    id SERIAL NOT NULL,
    email VARCHAR(200),
    PRIMARY KEY (id)
);

CREATE INDEX ix_users_email ON users (email);

INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;

-- Running upgrade a1 -> b2

CREATE TABLE teams (id SERIAL NOT NULL, PRIMARY KEY (id));

CREATE INDEX ix_teams_id ON teams (id);

CREATE INDEX ix_users_id ON users (id);

UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';
`;

describe("alembic structure", () => {
  it("revision markers set the revision; a statement outside BEGIN is its own transaction (null)", async () => {
    const a = await analyzeText(HISTORY);
    expect(a.analyzed.map((s) => [s.statement.startPos.line, s.place.revision?.id ?? null, s.place.revision?.from ?? null, s.place.transaction])).toEqual([
      [8, "a1", null, null],
      [14, "a1", null, null],
      [20, "b2", "a1", null],
      [22, "b2", "a1", null],
      [24, "b2", "a1", null],
    ]);
  });

  it("never reports or lists alembic's bookkeeping", async () => {
    const a = await analyzeText(`BEGIN;\n${HISTORY}DELETE FROM alembic_version WHERE alembic_version.version_num = 'b2';\nCOMMIT;\n`);
    expect(a.analyzed.some((s) => /alembic_version/.test(s.statement.sql))).toBe(false);
    expect(a.findings.some((f) => /alembic_version/.test(f.sql))).toBe(false);
  });

  it("in one transaction for the whole history, the first revision reports nothing and a later one's index on an earlier table is reported", async () => {
    const a = await analyzeText(`BEGIN;\n${HISTORY}COMMIT;\n`);
    expect(a.findings.map((f) => [f.rule, f.line, f.revision?.id])).toEqual([
      ["require-concurrent-index-creation", 25, "b2"],
      ["require-lock-timeout", 25, "b2"],
    ]);
    const tx = new Set(a.analyzed.map((s) => s.place.transaction));
    expect(tx.size).toBe(1);
    expect([...tx][0]).not.toBeNull();
  });

  it("BEGIN/START TRANSACTION and COMMIT/END/ROLLBACK delimit transactions with distinct ids", async () => {
    const sql = "BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nSELECT 2;\nEND;\nSELECT 3;\nBEGIN;\nSELECT 4;\nROLLBACK;\n";
    const a = await analyzeText(sql);
    const tx = a.analyzed.map((s) => s.place.transaction);
    expect(tx[0]).toBe(tx[2]);
    expect(tx[3]).toBe(tx[5]);
    expect(tx[6]).toBeNull();
    expect(tx[7]).toBe(tx[9]);
    expect(new Set([tx[0], tx[3], tx[7]]).size).toBe(3);
  });

  it("downgrades carry both revisions; the step to base has no target", async () => {
    const sql = "BEGIN;\n-- Running downgrade b2 -> a1\nDROP INDEX ix_users_id;\n-- Running downgrade a1 -> \nDROP TABLE users;\nCOMMIT;\n";
    const a = await analyzeText(sql);
    expect(a.analyzed.slice(1, 3).map((s) => s.place.revision)).toMatchObject([
      { id: "a1", from: "b2", direction: "downgrade" },
      { id: null, from: "a1", direction: "downgrade" },
    ]);
  });

  it("without revision markers, objects created in the open transaction are new; after COMMIT they exist", async () => {
    const sql = "BEGIN;\nCREATE TABLE t (a int);\nCREATE INDEX ix_t ON t (a);\nCOMMIT;\nBEGIN;\nCREATE INDEX ix_t2 ON t (a);\nCOMMIT;\n";
    const a = await analyzeText(sql);
    expect(a.findings.filter((f) => f.rule === "require-concurrent-index-creation").map((f) => f.line)).toEqual([6]);
    const firstIndex = a.analyzed.find((s) => s.statement.sql.startsWith("CREATE INDEX ix_t "))!;
    expect(firstIndex.effects.locks.find((l) => l.relation === "t")!.novelty).toBe("created earlier in this transaction");
  });

  it("a rolled-back transaction leaves the replayed schema as it was", async () => {
    const sql =
      "CREATE TABLE t (a int);\nBEGIN;\nALTER TABLE t ALTER COLUMN a TYPE bigint;\nROLLBACK;\nBEGIN;\nALTER TABLE t ALTER COLUMN a TYPE bigint;\nCOMMIT;\n";
    const a = await analyzeText(sql);
    expect(a.findings.filter((f) => f.rule === "changing-column-type").map((f) => f.line)).toEqual([3, 6]);
  });

  it("names the revision that made a relation new in the lock facts", async () => {
    const a = await analyzeText(`BEGIN;\n${HISTORY}COMMIT;\n`);
    const teamsIndex = a.analyzed.find((s) => s.statement.sql.startsWith("CREATE INDEX ix_teams_id"))!;
    expect(teamsIndex.effects.locks.find((l) => l.relation === "teams")!.novelty).toBe("created earlier in this revision");
  });
});
