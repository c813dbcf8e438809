import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { analyzeText } from "./support/analyze-text.js";
import { ROOT } from "./support/cli.js";

const ids = new Set(RULES.map((r) => r.id));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

describe("docs/compat.md", () => {
  const table = read("docs/compat.md");
  const named = [...table.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]!);

  it("names only rules that exist", () => {
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("marks exactly the optional rules as off", () => {
    const markedOff = new Set([...table.matchAll(/`([a-z-]+)` \*\(off\)\*/g)].map((m) => m[1]!));
    for (const id of markedOff) expect(RULES.find((r) => r.id === id)!.optional, id).toBe(true);
  });
});

/** Each boundary of docs/versions.md, run on both sides. */
const EXISTING =
  "-- Running upgrade  -> a\nBEGIN;\nCREATE TABLE t (id bigint, c text, ts timestamp);\nCREATE INDEX ix_t ON t (id);\nCREATE TYPE e AS ENUM ('x');\nCOMMIT;\n-- Running upgrade a -> b\nBEGIN;\n";
const BOUNDARIES: { version: number; rule: string; sql: string; before: boolean; from: boolean }[] = [
  {
    version: 12,
    rule: "setting-not-null",
    sql: "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL);\nCOMMIT;\nBEGIN;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
    before: true,
    from: false,
  },
  { version: 12, rule: "transaction-incompatible-statement", sql: "ALTER TYPE e ADD VALUE 'y';", before: true, from: false },
  { version: 12, rule: "changing-column-type", sql: "SET LOCAL timezone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz;", before: true, from: false },
];

describe("docs/versions.md", () => {
  const doc = read("docs/versions.md");

  it("names only rules that exist", () => {
    const named = [...doc.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]!);
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const b of BOUNDARIES) {
    it(`${b.rule} changes at PostgreSQL ${b.version}`, async () => {
      const fires = async (pgVersion: number) =>
        (await analyzeText(`${EXISTING}${b.sql}\nCOMMIT;\n`, { pgVersion, rules: RULES })).findings.some((f) => f.rule === b.rule);
      expect(await fires(b.version - 1)).toBe(b.before);
      expect(await fires(b.version)).toBe(b.from);
    });
  }

  it("help changes at 12 (REINDEX), 14 (DETACH) and 18 (NOT NULL NOT VALID)", async () => {
    const help = async (rule: string, sql: string, pgVersion: number) =>
      (await analyzeText(`${EXISTING}${sql}\nCOMMIT;\n`, { pgVersion, rules: RULES })).findings.find((f) => f.rule === rule)!;
    expect((await help("require-concurrent-reindex", "REINDEX INDEX ix_t;", 11)).help.text).toContain("no REINDEX CONCURRENTLY");
    expect((await help("require-concurrent-reindex", "REINDEX INDEX ix_t;", 12)).help.sql).toContain("REINDEX INDEX CONCURRENTLY ix_t");
    expect((await help("require-concurrent-partition-detach", "ALTER TABLE p DETACH PARTITION p1;", 13)).severity).toBe("warning");
    expect((await help("require-concurrent-partition-detach", "ALTER TABLE p DETACH PARTITION p1;", 14)).severity).toBe("error");
    expect((await help("setting-not-null", "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", 17)).help.sql).toContain("CHECK (c IS NOT NULL)");
    expect((await help("setting-not-null", "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", 18)).help.sql).toContain("NOT NULL c NOT VALID");
  });

  it("lock facts change at 12 for ALTER INDEX RENAME and ATTACH PARTITION", async () => {
    const lock = async (sql: string, pgVersion: number, relation: string) =>
      (await analyzeText(`${EXISTING}${sql}\nCOMMIT;\n`, { pgVersion })).analyzed
        .find((s) => s.statement.sql === sql.replace(/;$/, ""))!
        .effects.locks.find((l) => l.relation === relation)!.mode;
    expect(await lock("ALTER INDEX ix_t RENAME TO ix_t2;", 11, "ix_t")).toBe("ACCESS EXCLUSIVE");
    expect(await lock("ALTER INDEX ix_t RENAME TO ix_t2;", 12, "ix_t")).toBe("SHARE UPDATE EXCLUSIVE");
    expect(await lock("ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (1);", 11, "p")).toBe("ACCESS EXCLUSIVE");
    expect(await lock("ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (1);", 12, "p")).toBe("SHARE UPDATE EXCLUSIVE");
  });
});
