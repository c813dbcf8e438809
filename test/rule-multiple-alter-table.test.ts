import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { analyzeText } from "./support/analyze-text.js";

async function repeated(sql: string): Promise<[number, string][]> {
  const findings = (await analyzeText(sql, { rules: RULES })).findings.filter((f) => f.rule === "multiple-alter-table");
  return findings.map((f) => [f.line, f.message]);
}

/** Tables that existed before the revision under test (committed by an earlier one): lines 1-7, the revision's first statement on 8. */
const BEFORE =
  "-- Running upgrade  -> base\nBEGIN;\nCREATE TABLE teams (id int PRIMARY KEY, captain_id int);\nCREATE TABLE awards (id int PRIMARY KEY, team_id int REFERENCES teams (id));\nCOMMIT;\n-- Running upgrade base -> next\nBEGIN;\n";

describe("multiple-alter-table: only ALTER TABLE statements of the same table", () => {
  it("ctfd b295b033364d: an ALTER TABLE of another table that locks this one through a foreign key is not a second ALTER TABLE of it", async () => {
    // ctfd.sql lines 234-258: dropping awards' foreign key locks teams too; before issue 18 the later
    // ALTER TABLE teams was reported as "another ALTER TABLE teams (line 234)", the ALTER TABLE awards.
    const sql = BEFORE + "ALTER TABLE awards DROP CONSTRAINT awards_team_id_fkey;\nALTER TABLE teams DROP COLUMN captain_id;\nCOMMIT;";
    expect(await repeated(sql)).toEqual([]);
  });

  it("two ALTER TABLE of one table, however its name is written, are reported at the second, citing the first", async () => {
    const sql = BEFORE + 'ALTER TABLE awards DROP CONSTRAINT awards_team_id_fkey;\nALTER TABLE ONLY public."awards" ADD COLUMN note text;\nCOMMIT;';
    expect(await repeated(sql)).toEqual([
      [9, "another ALTER TABLE public.awards (line 8) in the same transaction: one statement with several actions takes the lock once"],
    ]);
  });
});
