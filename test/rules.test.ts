import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import type { Finding } from "../src/findings.js";
import { analyzeText } from "./support/analyze-text.js";

/** Findings of one rule for a script (run through the whole pipeline). */
async function findings(rule: string, sql: string, pgVersion = 14): Promise<Finding[]> {
  return (await analyzeText(sql, { pgVersion })).findings.filter((f) => f.rule === rule);
}

/** A table that existed before the migration (created and committed in an earlier revision). */
const EXISTING = `-- Running upgrade  -> base
BEGIN;
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name text, status text, age int, nick varchar(20), born timestamp, price numeric(10,2));
CREATE INDEX ix_users_email ON users (email);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);
CREATE TYPE mood AS ENUM ('happy', 'sad');
COMMIT;
-- Running upgrade base -> next
BEGIN;
`;

describe("every rule's documentation is a test", () => {
  for (const rule of RULES) {
    it(`${rule.id}: the example fires it`, async () => {
      expect((await findings(rule.id, rule.docs.example)).length).toBeGreaterThan(0);
    });
    it(`${rule.id}: the safe way does not`, async () => {
      expect(await findings(rule.id, rule.docs.useInstead)).toEqual([]);
    });
  }
});

interface RuleCase {
  sql: string;
  /** Expected findings: [line, column, message fragment, severity?]; empty for a valid case. */
  expect: [number, number, string, ("error" | "warning")?][];
  pgVersion?: number;
}

/** Valid and invalid cases per rule; `EXISTING` is 9 lines long, so the first statement is on line 10. */
const CASES: Record<string, RuleCase[]> = {
  "require-concurrent-index-creation": [
    { sql: "CREATE INDEX ix_users_name ON users (name);", expect: [[10, 1, "SHARE lock", "error"]] },
    { sql: "CREATE UNIQUE INDEX ux_users_nick ON users (nick);", expect: [[10, 1, "writes to users wait"]] },
    { sql: "CREATE TABLE t (a int);\nCREATE INDEX ix_t_a ON t (a);", expect: [] },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_users_name ON users (name);\nBEGIN;", expect: [] },
  ],
  "require-concurrent-index-deletion": [
    { sql: "DROP INDEX ix_users_email;", expect: [[10, 1, "ix_users_email", "warning"]] },
    { sql: "CREATE INDEX ix_new ON orders (total);\nDROP INDEX ix_new;", expect: [] },
  ],
  "concurrent-index-in-transaction": [
    { sql: "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);", expect: [[10, 1, "cannot run inside a transaction block", "error"]] },
    { sql: "DROP INDEX CONCURRENTLY ix_users_email;", expect: [[10, 1, "DROP INDEX CONCURRENTLY"]] },
    { sql: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_users_name ON users (name);\nBEGIN;", expect: [] },
  ],
  "adding-required-field": [
    { sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL;", expect: [[10, 30, "NOT NULL column plan", "error"]] },
    { sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';", expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN plan text;", expect: [] },
    { sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;", expect: [] },
  ],
  "adding-field-with-volatile-default": [
    { sql: "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();", expect: [[10, 30, "rewrites existing table users", "error"]] },
    { sql: "ALTER TABLE users ADD COLUMN seq bigserial;", expect: [[10, 30, "rewrites"]] },
    { sql: "ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();", expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN flag boolean DEFAULT false;", pgVersion: 11, expect: [] },
    { sql: "ALTER TABLE users ADD COLUMN x int DEFAULT my_func();", expect: [[10, 30, "rewrites", "warning"]] },
    { sql: "ALTER TABLE users ALTER COLUMN status SET DEFAULT gen_random_uuid()::text;", expect: [] },
  ],
  "changing-column-type": [
    { sql: "ALTER TABLE users ALTER COLUMN age TYPE bigint;", expect: [[10, 32, "rewrites the table", "error"]] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE varchar(10);", expect: [[10, 32, "rewrites"]] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN nick TYPE text;", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);", expect: [] },
    { sql: "ALTER TABLE users ALTER COLUMN born TYPE timestamptz;", expect: [[10, 32, "unless the session time zone is UTC", "error"]] },
    { sql: "SET LOCAL timezone = 'UTC';\nALTER TABLE users ALTER COLUMN born TYPE timestamptz;", expect: [] },
    { sql: "ALTER TABLE unknown_table ALTER COLUMN x TYPE text;", expect: [[10, 40, "may rewrite", "warning"]] },
  ],
  "setting-not-null": [
    { sql: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", expect: [[10, 1, "scans the whole table", "error"]] },
    {
      sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      expect: [],
    },
    {
      sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      pgVersion: 11,
      expect: [[12, 1, "scans the whole table"]],
    },
  ],
  "constraint-missing-not-valid": [
    { sql: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);", expect: [[10, 24, "validates every row", "error"]] },
    { sql: "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);", expect: [[10, 24, "CHECK constraint orders_total_check"]] },
    { sql: "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;", expect: [] },
    { sql: "ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES users (id);", expect: [] },
  ],
  "adding-unique-constraint": [
    { sql: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", expect: [[10, 23, "UNIQUE constraint users_email_key", "error"]] },
    { sql: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX ix_users_email;", expect: [] },
  ],
  "adding-primary-key": [
    { sql: "ALTER TABLE orders DROP CONSTRAINT orders_pkey;\nALTER TABLE orders ADD PRIMARY KEY (id);", expect: [[11, 24, "PRIMARY KEY"]] },
    { sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (a);", expect: [] },
  ],
  "renaming-column": [{ sql: "ALTER TABLE users RENAME COLUMN name TO full_name;", expect: [[10, 1, "name", "warning"]] }],
  "renaming-table": [{ sql: "ALTER TABLE users RENAME TO members;", expect: [[10, 1, "renaming users to members", "warning"]] }],
  "dropping-column": [
    { sql: "ALTER TABLE users DROP COLUMN nick;", expect: [[10, 1, "nick", "warning"]] },
    { sql: "CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;", expect: [] },
  ],
  "dropping-table": [
    { sql: "DROP TABLE orders;", expect: [[10, 1, "orders", "warning"]] },
    { sql: "CREATE TABLE t (a int);\nDROP TABLE t;", expect: [] },
  ],
  "require-lock-timeout": [
    { sql: "ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;", expect: [[10, 1, "no lock_timeout", "warning"]] },
    { sql: "SET lock_timeout = '3s';\nALTER TABLE users ADD COLUMN a text;", expect: [] },
    { sql: "SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN a text;", expect: [[11, 1, "no lock_timeout"]] },
    { sql: "CREATE INDEX ix_users_name ON users (name);", expect: [] },
  ],
  "syntax-error": [
    { sql: "ALTER TABLE users ADD COLUMN x text DEFALT '';\nCREATE INDEX ix_users_name ON users (name);", expect: [[10, 37, 'syntax error at or near "DEFALT"', "error"]] },
    { sql: "SELECT 'é' ; SELEC 1;", expect: [[10, 14, 'syntax error at or near "SELEC"']] },
  ],
};

describe("rule cases", () => {
  it("covers every rule", () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const [rule, cases] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const c of cases) {
        const title = `${c.expect.length ? "reports" : "accepts"} ${c.sql.replace(/\n/g, " ")}${c.pgVersion ? ` (PostgreSQL ${c.pgVersion})` : ""}`;
        it(title, async () => {
          const got = await findings(rule, `${EXISTING}${c.sql}\nCOMMIT;\n`, c.pgVersion);
          expect(got.map((f) => [f.line, f.column])).toEqual(c.expect.map(([line, column]) => [line, column]));
          c.expect.forEach(([, , fragment, severity], i) => {
            expect(got[i]!.message).toContain(fragment);
            if (severity) expect(got[i]!.severity).toBe(severity);
            expect(got[i]!.revision?.id).toBe("next");
          });
        });
      }
    });
  }
});

describe("help fits the case", () => {
  it("changing-column-type offers SET LOCAL timezone for timestamp to timestamptz, and widening for string limits", async () => {
    const [tz] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN born TYPE timestamptz;\nCOMMIT;\n`);
    expect(tz!.help.text).toContain("SET LOCAL timezone = 'UTC'");
    const [shrink] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN nick TYPE varchar(5);\nCOMMIT;\n`);
    expect(shrink!.help.text).toContain("widening varchar");
    const [int] = await findings("changing-column-type", `${EXISTING}ALTER TABLE users ALTER COLUMN age TYPE bigint;\nCOMMIT;\n`);
    expect(int!.help.text).not.toMatch(/timezone|widening/);
  });
});

describe("PostgreSQL versions", () => {
  it("before 11 every ADD COLUMN default rewrote; from 11 a constant one does not", async () => {
    // 11 is the oldest version locklint accepts: constants are instant there.
    expect(await findings("adding-field-with-volatile-default", `${EXISTING}ALTER TABLE users ADD COLUMN n int DEFAULT 0;\nCOMMIT;\n`, 11)).toEqual([]);
  });
  it("setting-not-null trusts a validated CHECK from 12 on", async () => {
    const sql = `${EXISTING}ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL);\nCOMMIT;\nBEGIN;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;\n`;
    expect(await findings("setting-not-null", sql, 12)).toEqual([]);
    expect((await findings("setting-not-null", sql, 11)).length).toBe(1);
  });
});
