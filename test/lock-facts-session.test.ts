import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { analyzeText } from "./support/analyze-text.js";

/**
 * The session settings the lock facts depend on (src/locks/session.ts): lock_timeout as the rules
 * see it, and the TimeZone that decides whether timestamp -> timestamptz rewrites. Each test shows
 * what the user sees: a finding or none, a rewrite or none.
 */

const rule = (id: string) => {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

const ALTER = "ALTER TABLE accounts ADD COLUMN note text;";

/** Lines of the script flagged by a rule. */
async function flaggedLines(sql: string, ruleId: string): Promise<number[]> {
  const analysis = await analyzeText(sql, { rules: [rule(ruleId)] });
  return analysis.findings.map((f) => f.line);
}

describe("lock_timeout as the statements see it", () => {
  it("a session SET covers the statements after it", async () => {
    expect(await flaggedLines(`${ALTER}\nSET lock_timeout = '2s';\n${ALTER}\n`, "require-lock-timeout")).toEqual([1]);
  });

  it("SET LOCAL outside a transaction does nothing", async () => {
    expect(await flaggedLines(`SET LOCAL lock_timeout = '2s';\n${ALTER}\n`, "require-lock-timeout")).toEqual([2]);
  });

  it("SET LOCAL lasts until its transaction ends", async () => {
    const sql = `BEGIN;\nSET LOCAL lock_timeout = '2s';\n${ALTER}\nCOMMIT;\nBEGIN;\n${ALTER}\nCOMMIT;\n`;
    expect(await flaggedLines(sql, "require-lock-timeout")).toEqual([6]);
  });

  it("RESET and RESET ALL take the setting away", async () => {
    expect(await flaggedLines(`SET lock_timeout = '2s';\nRESET lock_timeout;\n${ALTER}\n`, "require-lock-timeout")).toEqual([3]);
    expect(await flaggedLines(`SET lock_timeout = '2s';\nRESET ALL;\n${ALTER}\n`, "require-lock-timeout")).toEqual([3]);
  });

  it("0 (in any unit) means no timeout", async () => {
    expect(await flaggedLines(`SET lock_timeout = '0';\n${ALTER}\n`, "require-lock-timeout")).toEqual([2]);
    expect(await flaggedLines(`SET lock_timeout = '0s';\n${ALTER}\n`, "require-lock-timeout")).toEqual([2]);
  });

  it("a setting inside a revision counts for that revision only; one before every revision counts for all", async () => {
    const revisions = `-- Running upgrade  -> a1\n\nSET lock_timeout = '2s';\n${ALTER}\n\n-- Running upgrade a1 -> b2\n\n${ALTER}\n`;
    expect(await flaggedLines(revisions, "require-lock-timeout")).toEqual([8]);
    expect(await flaggedLines(`SET lock_timeout = '2s';\n\n${revisions.replace("SET lock_timeout = '2s';\n", "")}`, "require-lock-timeout")).toEqual([]);
  });

  it("a long lock_timeout is flagged, in whatever unit it is written; an unreadable one is not judged", async () => {
    expect(await flaggedLines(`SET lock_timeout = '10min';\n${ALTER}\n`, "excessive-lock-timeout")).toEqual([2]);
    expect(await flaggedLines(`SET lock_timeout = 600000;\n${ALTER}\n`, "excessive-lock-timeout")).toEqual([2]);
    expect(await flaggedLines(`SET lock_timeout = '2s';\n${ALTER}\n`, "excessive-lock-timeout")).toEqual([]);
    expect(await flaggedLines(`SET lock_timeout = 'soon';\n${ALTER}\n`, "excessive-lock-timeout")).toEqual([]);
  });
});

describe("the session time zone decides a type change's rewrite", () => {
  const table = "CREATE TABLE events (at timestamp);\nCOMMIT;\n";
  const change = "ALTER TABLE events ALTER COLUMN at TYPE timestamptz";

  async function rewrites(sql: string, pgVersion = 14): Promise<boolean | undefined> {
    const analysis = await analyzeText(sql, { pgVersion, rules: [] });
    return analysis.analyzed.find((s) => s.statement.sql === change)?.effects.locks[0]?.rewrite;
  }

  it("UTC spares the rewrite from PostgreSQL 12; another zone does not", async () => {
    expect(await rewrites(`${table}SET timezone = 'UTC';\n${change};\n`)).toBe(false);
    expect(await rewrites(`${table}SET TIME ZONE 'Europe/Paris';\n${change};\n`)).toBe(true);
    expect(await rewrites(`${table}${change};\n`)).toBe(true);
  });

  it("before PostgreSQL 12 it rewrites even in UTC", async () => {
    expect(await rewrites(`${table}SET timezone = 'UTC';\n${change};\n`, 11)).toBe(true);
  });
});
