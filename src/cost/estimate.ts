import type { RelationLock, WorkEstimate } from "../locks/effects.js";
import type { Operation } from "../sql/operations.js";
import { relationKey } from "../schema/schema.js";
import type { StatsFile, TableStats } from "./stats.js";

/**
 * Lock-time estimates: how long a statement works on a relation (rewrite, scan, index build,
 * backfill), from the relation's size in a stats file and throughput constants measured by
 * `npm run calibrate` (docs/estimates.md). A lock lasts its statement's work plus the work of every
 * later statement of the transaction.
 */

/**
 * Work per second: heap bytes for validate (CHECK, NOT NULL: one pass over the rows), foreignKey
 * (the join of the referencing table with the referenced one) and index (scan and sort); total bytes
 * (heap and indexes) for rewrite (the table and each index written anew); rows for update.
 */
export interface Throughput {
  validate: number;
  foreignKey: number;
  index: number;
  rewrite: number;
  update: number;
}

/**
 * Measured with the workload of `npm run calibrate` (test/support/hold-workload.ts: a 1M-row table of
 * ~100-byte rows, a bigint primary key, int, text and timestamp columns) on the embedded PostgreSQL
 * 15.18 of `npm run servers`, default settings, the table in memory, on the 2-core development
 * machine: per work, the geometric mean of its throughput on the machine idle (load under 2) and
 * busy (load 6-11, 4-5x slower), to 2 digits, so that both fall within the range's factor of 2 of
 * the central estimate or just past it. docs/estimates.md has the runs.
 */
export const CALIBRATED: Throughput = { validate: 9.3e8, foreignKey: 4.6e8, index: 7.5e7, rewrite: 6.8e7, update: 1.6e5 };

/**
 * A range around the central estimate: half of it (an idle or faster server) to twice it (a busier
 * or slower one, a table partly on disk). The calibration machine's own runs of one operation
 * spread over a factor of 2-3 with its load.
 */
const LOW = 0.5;
const HIGH = 2;

export interface HoldEstimate {
  lowMs: number;
  highMs: number;
  /** The statement's own work, or null when it does none (the lock is held only as long as the transaction). */
  basis: string | null;
  /** Statements that run after it while the lock is held. */
  laterStatements: number;
}

export class TableSizes {
  private readonly byKey = new Map<string, TableStats>();

  constructor(readonly stats: StatsFile) {
    for (const t of stats.tables) this.byKey.set(relationKey(t.schema, t.name), t);
  }

  get(key: string): TableStats | undefined {
    return this.byKey.get(key);
  }
}

const INDEX_BUILDING = new Set<Operation["op"]>(["create-index", "reindex"]);

/**
 * The statement's own work on one relation; null when its size is not in the stats, it is an index
 * (its table's work covers it) or it was created in this transaction (the stats describe what
 * existed before the migration, not what it filled since).
 * `statementLocks`: every lock of the statement (a foreign-key check joins two tables).
 */
export function lockWork(
  lock: RelationLock,
  operations: readonly Operation[],
  statementLocks: readonly RelationLock[],
  sizes: TableSizes,
  throughput: Throughput = CALIBRATED,
): WorkEstimate | null {
  if (lock.kind === "index" || lock.newInTransaction) return null;
  const table = sizes.get(lock.key);
  if (!table) return null;
  // TRUNCATE and REFRESH ... WITH NO DATA give the relation new, empty files: nothing is read or written
  if (lock.rewrite && operations.every(emptiesRelation)) return { ms: 0, basis: "" };
  if (lock.rewrite) return { ms: (table.totalBytes / throughput.rewrite) * 1000, basis: `rewrite ${formatBytes(table.totalBytes)}` };
  if (!lock.scan) return { ms: 0, basis: "" };
  if (operations.some((o) => INDEX_BUILDING.has(o.op) || buildsIndex(o))) {
    return { ms: (table.heapBytes / throughput.index) * 1000, basis: `index build over ${formatBytes(table.heapBytes)}` };
  }
  if (operations.some((o) => o.op === "update" || o.op === "delete")) {
    const rows = Math.max(table.reltuples, table.liveTuples ?? 0, 0);
    return { ms: (rows / throughput.update) * 1000, basis: `${formatCount(rows)} rows written` };
  }
  if (checksReferencingRows(lock, operations, statementLocks)) {
    return { ms: (table.heapBytes / throughput.foreignKey) * 1000, basis: `foreign-key check over ${formatBytes(table.heapBytes)}` };
  }
  return { ms: (table.heapBytes / throughput.validate) * 1000, basis: `scan ${formatBytes(table.heapBytes)}` };
}

function emptiesRelation(op: Operation): boolean {
  return op.op === "truncate" || (op.op === "refresh-materialized-view" && !op.withData);
}

function buildsIndex(op: Operation): boolean {
  const constraints = op.op === "add-constraint" ? [op.constraint] : op.op === "add-column" ? op.column.constraints : [];
  return constraints.some((c) => (c.kind === "unique" || c.kind === "primary-key" || c.kind === "exclude") && !c.usingIndex);
}

/**
 * Whether the lock is on the referencing table of a foreign key the statement validates: PostgreSQL
 * joins its rows with the referenced table (an anti-join per row), slower than a CHECK's pass. ADD
 * FOREIGN KEY names the constraint; VALIDATE CONSTRAINT does not, but scans a second table only for
 * one. The referencing table is the statement's own, its first lock.
 */
function checksReferencingRows(lock: RelationLock, operations: readonly Operation[], statementLocks: readonly RelationLock[]): boolean {
  if (statementLocks[0] !== lock) return false;
  return operations.some(
    (o) =>
      (o.op === "add-constraint" && o.constraint.kind === "foreign-key" && !o.constraint.notValid) ||
      (o.op === "validate-constraint" && statementLocks.some((other) => other !== lock && other.kind === "table" && other.scan)),
  );
}

export function holdRange(ownMs: number, laterMs: number, basis: string | null, laterStatements: number): HoldEstimate {
  const total = ownMs + laterMs;
  return { lowMs: Math.round(total * LOW), highMs: Math.round(total * HIGH), basis, laterStatements };
}

export function formatDuration(ms: number): string {
  if (ms < 1) return "instant";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n));
}

/** "41 s - 2 min (rewrite 3.1 GB, then 2 more statements)" */
export function describeHold(e: HoldEstimate): string {
  const range = e.highMs < 1 ? "instant" : `${formatDuration(e.lowMs)} - ${formatDuration(e.highMs)}`;
  const parts = [
    e.basis,
    e.laterStatements > 0 ? `${e.basis ? "then " : ""}${e.laterStatements} more statement${e.laterStatements === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return `held ${range}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}
