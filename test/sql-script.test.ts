import { describe, expect, it } from "vitest";
import { analyze, type Analysis } from "../src/lint/analyze.js";
import { defaultRules } from "../src/cli/rule-selection.js";
import { loadParser } from "../src/sql/parse.js";
import { decodeSource } from "../src/sql/source.js";
import type { RevisionRange } from "../src/sql/script.js";

/**
 * The structure alembic prints around the statements: which revision and transaction each statement
 * belongs to, which are reported under --since / --revision, and alembic's own bookkeeping.
 */

async function run(sql: string, options: { range?: RevisionRange; assumeInTransaction?: boolean } = {}): Promise<Analysis> {
  await loadParser();
  return analyze([decodeSource("upgrade.sql", new TextEncoder().encode(sql))], { pgVersion: 17, rules: defaultRules(), keepStatements: true, ...options });
}

/** Each reported statement as `sql | revision | transaction | deploy unit`. */
function places(analysis: Analysis): string[] {
  return analysis.analyzed.map(
    ({ statement, place }) =>
      `${statement.sql} | ${place.revision ? `${place.revision.direction} ${place.revision.from ?? "-"}->${place.revision.id ?? "-"}` : "-"} | ${place.transaction ?? "-"} | ${place.unit.label}`,
  );
}

const THREE_REVISIONS = `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
-- Running upgrade  -> a1
CREATE INDEX ix_a ON t (a);
INSERT INTO alembic_version (version_num) VALUES ('a1');
-- Running upgrade a1 -> b2
CREATE INDEX ix_b ON t (b);
UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';
-- Running upgrade b2 -> c3
CREATE INDEX ix_c ON t (c);
UPDATE alembic_version SET version_num='c3' WHERE alembic_version.version_num = 'b2';
`;

describe("revisions", () => {
  it("each statement belongs to the revision of the marker before it; alembic's version-table statements are not reported", async () => {
    expect(places(await run(THREE_REVISIONS))).toEqual([
      "CREATE INDEX ix_a ON t (a) | upgrade -->a1 | - | revision",
      "CREATE INDEX ix_b ON t (b) | upgrade a1->b2 | - | revision",
      "CREATE INDEX ix_c ON t (c) | upgrade b2->c3 | - | revision",
    ]);
  });

  it("--since REV: the revisions after it are reported, as one deploy", async () => {
    const analysis = await run(THREE_REVISIONS, { range: { since: "a1" } });
    expect(places(analysis)).toEqual(["CREATE INDEX ix_b ON t (b) | upgrade a1->b2 | - | deploy", "CREATE INDEX ix_c ON t (c) | upgrade b2->c3 | - | deploy"]);
    // 6: the index, the deploy's lock_timeout finding and prefer-robust-stmts (no BEGIN: each statement commits on its own); 9: the next revision's index and prefer-robust-stmts
    expect(analysis.findings.map((f) => f.line)).toEqual([6, 6, 6, 9, 9]);
  });

  it("--revision REV: only that one", async () => {
    expect(places(await run(THREE_REVISIONS, { range: { revision: "b2" } }))).toEqual(["CREATE INDEX ix_b ON t (b) | upgrade a1->b2 | - | revision"]);
  });

  it("the steps of chosen revisions: an upgrade step belongs to the revision it leads to, a downgrade step to the one it leaves", async () => {
    const sql =
      "-- Running downgrade c3 -> b2\nDROP INDEX ix_c;\n-- Running downgrade b2 -> a1\nDROP INDEX ix_b;\n-- Running stamp_revision a1 -> b2\nSELECT 1;\n";
    expect(places(await run(sql, { range: { revisions: new Set(["b2"]) } }))).toEqual([
      "DROP INDEX ix_b | downgrade b2->a1 | - | revision",
      "SELECT 1 | stamp a1->b2 | - | revision",
    ]);
  });
});

describe("transactions", () => {
  it("BEGIN ... COMMIT share a transaction; COMMIT AND CHAIN starts the next one at once", async () => {
    const sql = "BEGIN;\nCREATE INDEX ix_a ON t (a);\nCOMMIT AND CHAIN;\nCREATE INDEX ix_b ON t (b);\nROLLBACK;\nCREATE INDEX ix_c ON t (c);\n";
    expect(places(await run(sql))).toEqual([
      "BEGIN | - | 1 | transaction",
      "CREATE INDEX ix_a ON t (a) | - | 1 | transaction",
      "COMMIT AND CHAIN | - | 1 | transaction",
      "CREATE INDEX ix_b ON t (b) | - | 2 | transaction",
      "ROLLBACK | - | 2 | transaction",
      "CREATE INDEX ix_c ON t (c) | - | - | statement",
    ]);
  });

  it("--assume-in-transaction: the file runs in one transaction until an explicit COMMIT", async () => {
    const sql = "CREATE INDEX ix_a ON t (a);\nCOMMIT;\nCREATE INDEX ix_b ON t (b);\n";
    expect(places(await run(sql, { assumeInTransaction: true }))).toEqual([
      "CREATE INDEX ix_a ON t (a) | - | 1 | transaction",
      "COMMIT | - | 1 | transaction",
      "CREATE INDEX ix_b ON t (b) | - | - | statement",
    ]);
  });
});
