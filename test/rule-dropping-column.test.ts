import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: dropping a column that carries a foreign key takes ACCESS EXCLUSIVE on the referenced table
// too (PostgreSQL drops the key's triggers there; observed on PGlite 18.6 and PostgreSQL 15.18, see the
// effects table's "ALTER TABLE orders DROP COLUMN customer_id" case). The finding named only the table
// the column belongs to; found in superset's history (datasources.user_id -> ab_user) and 7 more.

async function dropFindings(sql: string): Promise<{ line: number; message: string; locks: string[] }[]> {
  const r = await runCli(["--format", "json", "--rules", "dropping-column"], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ line: f.line, message: f.message, locks: f.locks.map((l) => `${l.mode} on ${l.relation}`) }));
}

describe("dropping-column names every table the drop locks", () => {
  it("superset: datasources.user_id references ab_user, which is locked ACCESS EXCLUSIVE as well", async () => {
    const sql = [
      "-- Running upgrade  -> 4e6a06bad7a8",
      "CREATE TABLE ab_user (id SERIAL NOT NULL, PRIMARY KEY (id));",
      "CREATE TABLE datasources (",
      "    id SERIAL NOT NULL, ",
      "    user_id INTEGER, ",
      "    PRIMARY KEY (id), ",
      "    FOREIGN KEY(user_id) REFERENCES ab_user (id)",
      ");",
      "-- Running upgrade 4e6a06bad7a8 -> 5e4a03ef0bf0",
      "ALTER TABLE datasources DROP COLUMN user_id;",
      "",
    ].join("\n");
    expect(await dropFindings(sql)).toEqual([
      {
        line: 10,
        message:
          "dropping datasources.user_id: application instances that still map the column fail until they are replaced; its foreign key also takes ACCESS EXCLUSIVE on ab_user",
        locks: ["ACCESS EXCLUSIVE on datasources", "ACCESS EXCLUSIVE on ab_user"],
      },
    ]);
  });

  it("a column without a foreign key locks only its own table", async () => {
    const sql = [
      "-- Running upgrade  -> a1",
      "CREATE TABLE ab_user (id int PRIMARY KEY, nickname text);",
      "-- Running upgrade a1 -> a2",
      "ALTER TABLE ab_user DROP COLUMN nickname;",
      "",
    ].join("\n");
    expect(await dropFindings(sql)).toEqual([
      {
        line: 4,
        message: "dropping ab_user.nickname: application instances that still map the column fail until they are replaced",
        locks: ["ACCESS EXCLUSIVE on ab_user"],
      },
    ]);
  });
});
