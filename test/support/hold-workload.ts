/**
 * The workload hold-time estimates are checked against (docs/estimates.md): a table of a realistic
 * shape (bigint primary key, int, text and timestamp columns, about 100 bytes a row) referencing a
 * small one, and the statements whose lock lasts as long as their work: a type change that rewrites,
 * index builds on an int and on a text column, CHECK and NOT NULL validations, foreign keys, a
 * volatile default. Shared by test/integration/hold-times.test.ts and `npm run calibrate`.
 */

/** What runs SQL: a pg client or a test session. */
export interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** The throughput constant (src/cost/estimate.ts) an operation's work is measured against, and in what. */
export type HoldWork = "validate" | "foreignKey" | "index" | "rewrite" | "update";
export const WORK_UNIT: Record<HoldWork, "heap bytes" | "total bytes" | "rows"> = {
  validate: "heap bytes",
  foreignKey: "heap bytes",
  index: "heap bytes",
  rewrite: "total bytes",
  update: "rows",
};

export interface HoldOperation {
  name: string;
  work: HoldWork;
  /**
   * Writes every row (a backfill): rolled back, it leaves a dead version of every row, which VACUUM
   * FULL removes (or every later operation would work on a table twice as large).
   */
  writesRows?: boolean;
  /** Measured by `npm run calibrate` only: slow, and its work measured by another operation of the integration test too. */
  calibrateOnly?: boolean;
  /** Run before the timed statement, in the same transaction when measured; in the revision before it in the history. */
  prep?: string;
  sql: string;
}

const CREATE = [
  "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL)",
  "CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, status int, amount int NOT NULL, kind text NOT NULL, email text NOT NULL, note text, created_at timestamp NOT NULL DEFAULT now())",
];

export const HOLD_OPERATIONS: readonly HoldOperation[] = [
  { name: "type change int -> bigint", work: "rewrite", sql: "ALTER TABLE events ALTER COLUMN amount TYPE bigint" },
  { name: "index build (int)", work: "index", sql: "CREATE INDEX ix_events_account_id ON events (account_id)" },
  { name: "index build (text)", work: "index", sql: "CREATE INDEX ix_events_email ON events (email)" },
  { name: "ADD CHECK", work: "validate", sql: "ALTER TABLE events ADD CONSTRAINT events_amount_check CHECK (amount >= 0)" },
  { name: "SET NOT NULL", work: "validate", sql: "ALTER TABLE events ALTER COLUMN status SET NOT NULL" },
  {
    name: "VALIDATE CHECK",
    work: "validate",
    prep: "ALTER TABLE events ADD CONSTRAINT events_amount_check CHECK (amount >= 0) NOT VALID",
    sql: "ALTER TABLE events VALIDATE CONSTRAINT events_amount_check",
  },
  {
    name: "ADD FOREIGN KEY",
    work: "foreignKey",
    sql: "ALTER TABLE events ADD CONSTRAINT events_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id)",
  },
  {
    name: "VALIDATE FOREIGN KEY",
    work: "foreignKey",
    prep: "ALTER TABLE events ADD CONSTRAINT events_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID",
    sql: "ALTER TABLE events VALIDATE CONSTRAINT events_account_id_fkey",
  },
  {
    name: "ADD COLUMN volatile default",
    work: "rewrite",
    calibrateOnly: true,
    sql: "ALTER TABLE events ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()",
  },
  { name: "UPDATE backfill", work: "update", writesRows: true, calibrateOnly: true, sql: "UPDATE events SET note = kind" },
];

/** Creates both tables and fills events with `rows` rows (accounts: 10,000), analysed and checkpointed. */
export async function buildTables(db: Queryable, rows: number): Promise<void> {
  for (const sql of CREATE) await db.query(sql);
  await db.query("INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 10000) g");
  // account ids and emails in no particular order (an index build sorts them); ~100 bytes a row
  await db.query(
    `INSERT INTO events
     SELECT g, 1 + (g * 7919) % 10000, g % 5, (g * 31) % 100000, (ARRAY['click', 'view', 'purchase', 'signup'])[1 + g % 4],
            'user' || (g * 104729) % 1000003 || '@example.com', substr(md5(g::text), 1, 20), timestamp '2024-01-01' + g * interval '1 second'
     FROM generate_series(1::bigint, ${Math.round(rows)}) g`,
  );
  for (const sql of ["VACUUM ANALYZE accounts", "VACUUM ANALYZE events", "CHECKPOINT"]) await db.query(sql);
  // read once, as a running server would have: the first reader sets the hint bits
  await db.query("SELECT count(*) FROM events WHERE note IS NULL");
}

/** Milliseconds the operation's statement takes, in a transaction rolled back afterwards (the table is unchanged). */
export async function timeOperation(db: Queryable, op: HoldOperation): Promise<number> {
  await db.query("BEGIN");
  try {
    if (op.prep) await db.query(op.prep);
    const start = process.hrtime.bigint();
    await db.query(op.sql);
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    await db.query("ROLLBACK");
    if (op.writesRows) for (const sql of ["VACUUM FULL events", "ANALYZE events", "CHECKPOINT"]) await db.query(sql);
  }
}

/**
 * The operation as an alembic history (`alembic upgrade --sql` output): revision 0001 creates the
 * tables, 0002 runs the prep (if any), the last revision the statement. Returns the SQL and the
 * line of the measured statement.
 */
export function holdHistory(op: HoldOperation): { sql: string; line: number } {
  const lines: string[] = [];
  const revision = (from: string, to: string, statements: string[]) =>
    lines.push("BEGIN;", "", `-- Running upgrade ${from} -> ${to}`, "", ...statements.map((s) => `${s};`), "", "COMMIT;", "");
  revision("", "0001", CREATE);
  if (op.prep) revision("0001", "0002", [op.prep]);
  const last = op.prep ? "0003" : "0002";
  revision(op.prep ? "0002" : "0001", last, [op.sql]);
  return { sql: lines.join("\n"), line: lines.indexOf(`${op.sql};`) + 1 };
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
