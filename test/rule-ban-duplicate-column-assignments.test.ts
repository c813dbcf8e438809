import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";
import { DUPLICATE_ACCEPTED, DUPLICATE_REJECTED, LONG_NAME } from "./support/squawk-parity-cases.js";

// issue 18: Squawk's ban-duplicate-column-assignments also covers INSERT and MERGE column lists, ON
// CONFLICT DO UPDATE, CREATE TABLE, views and SELECT INTO; locklint read only UPDATE. The rule fires
// exactly on the statements PostgreSQL rejects (test/integration/rerun-and-duplicates-pglite.test.ts
// runs each on PGlite, PostgreSQL 18.6).

async function findings(sql: string): Promise<string[]> {
  const r = await runCli(["--format", "json", "--rules", "ban-duplicate-column-assignments"], `${sql};\n`);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => f.message);
}

describe("ban-duplicate-column-assignments fires where PostgreSQL rejects the statement", () => {
  for (const sql of DUPLICATE_REJECTED) {
    it(`fires on ${sql.slice(0, 90)}`, async () => {
      const messages = await findings(sql);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/more than once: PostgreSQL rejects the statement/);
    });
  }
  for (const sql of DUPLICATE_ACCEPTED) {
    it(`is silent on ${sql}`, async () => {
      expect(await findings(sql)).toEqual([]);
    });
  }

  it("names the repeated column, cut to 63 bytes as PostgreSQL compares it", async () => {
    expect(await findings("INSERT INTO k (id, a, a) VALUES (1, 2, 3)")).toEqual([
      "assigns a more than once: PostgreSQL rejects the statement (multiple assignments to same column)",
    ]);
    expect(await findings("CREATE VIEW v2 AS SELECT 1, 2")).toEqual([
      "names column ?column? more than once: PostgreSQL rejects the statement (column specified more than once)",
    ]);
    expect((await findings(`UPDATE wide SET ${LONG_NAME}x = 1, ${LONG_NAME}y = 2`))[0]).toContain(`assigns ${LONG_NAME} more than once`);
  });
});
