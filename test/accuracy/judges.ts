import type { Finding } from "../../src/lint/findings.js";
import { blockedBy, type LockMode } from "../../src/locks/modes.js";
import { LOCK_MODES } from "../../src/sql/lock-mode-names.js";
import type { SqlSession } from "../support/pglite-observer.js";
import type { History } from "./corpus.js";
import type { Attempt, Observation, Plan, Probe, Replayed } from "./replay.js";

/**
 * One judge per rule: what the rule's finding claims (read from rules/<id>.ts and its message), the
 * replay that shows it (relations to resolve, seed and probe; extra reads), and the verdict on what
 * PostgreSQL did. A finding is a true positive only when the observation supports its claim.
 */

export type Verdict = "tp" | "fp" | "unreplayable";

export interface Judgement {
  verdict: Verdict;
  why: string;
  /** Lock facts of the finding PostgreSQL contradicts (reported, not counted against the claim). */
  factNotes?: string[];
}

export interface Judge {
  /** The claim, in one line (docs/accuracy.md shows it). */
  claim: string;
  claimed(f: Finding): string[];
  attempts?: Attempt[];
  acceptError?: boolean;
  rerun?: boolean;
  start?(f: Finding, history: History, flaggedIndex: number): number;
  atStart?(f: Finding): Plan["atStart"];
  after?(f: Finding): Plan["after"];
  afterRevision?(f: Finding): Plan["afterRevision"];
  rowProbe?(f: Finding): string;
  /** Whether to try the next seeding although this one ran cleanly (nothing observable yet). */
  retry?(o: Observation): boolean;
  judge(f: Finding, o: Observation, r: Replayed): Judgement;
}

const tp = (why: string, factNotes: string[] = []): Judgement => ({ verdict: "tp", why, ...(factNotes.length ? { factNotes } : {}) });
const fp = (why: string, factNotes: string[] = []): Judgement => ({ verdict: "fp", why, ...(factNotes.length ? { factNotes } : {}) });
const unreplayable = (why: string): Judgement => ({ verdict: "unreplayable", why });

/**
 * The claimed relation, as a table that existed when the revision started; or why not. Resolved just before
 * the flagged statement (a table renamed earlier in the revision has its new name there), then looked up
 * among the relations committed at the revision's start.
 */
function existing(o: Observation, name: string): { oid: number } | { judgement: Judgement } {
  const now = o.resolved.get(name) ?? null;
  if (now !== null) {
    const table = o.names.get(now)?.table ?? now;
    return o.existed.has(now) ? { oid: table } : { judgement: fp(`${name} did not exist when the revision started (created earlier in it)`) };
  }
  const atStart = o.resolvedAtStart.get(name) ?? null;
  if (atStart !== null) return { oid: o.existed.get(atStart)?.table ?? atStart };
  return { judgement: unreplayable(`${name} does not exist in the replay${o.error ? ` (${o.error.message})` : ""}`) };
}

function statementError(o: Observation): Judgement | null {
  return o.error ? unreplayable(`the flagged statement failed: ${o.error.message}`) : null;
}

/** What the second session saw: "reads wait", "writes wait", "nothing waits". */
function describeProbe(p: Probe | undefined): string {
  if (!p) return "not probed";
  const parts = [
    p.read ? "reads wait" : p.read === false ? "reads go on" : "reads ?",
    p.write ? "writes wait" : p.write === false ? "writes go on" : "writes ?",
  ];
  return parts.join(", ");
}

/** Whether the probes show what a lock that blocks `blocks` stops (a stronger observation also supports the claim). */
function blocksAsClaimed(p: Probe | undefined, blocks: readonly string[]): boolean {
  if (!p) return false;
  if (blocks.includes("reads") && p.read !== true) return false;
  if (blocks.includes("writes") && p.write !== true) return false;
  return true;
}

/** A lock mode PostgreSQL contradicts: only where the statement itself changed the session's lock (a lock held from before hides its own). */
function modeNote(o: Observation, name: string, oid: number, claimed: LockMode): string[] {
  const before = o.locksBefore.get(oid);
  const after = o.locksAfter.get(oid);
  if (after === claimed || (before !== undefined && before === after)) return [];
  return [`${name}: locklint says ${claimed}, PostgreSQL took ${after ?? "no lock"}`];
}

/** The lock the finding shows on `name` blocks what it claims (probes after the statement), on a table from before the revision. */
function lockClaim(f: Finding, o: Observation, lockIndex = 0, what = ""): Judgement {
  const lock = f.locks[lockIndex];
  if (!lock) return unreplayable("the finding shows no lock");
  const error = statementError(o);
  if (error) return error;
  const e = existing(o, lock.relation);
  if ("judgement" in e) return e.judgement;
  const probe = o.probesAfter.get(e.oid);
  const blocks = lock.blocks.filter((b) => b !== "ddl");
  const notes = modeNote(o, lock.relation, e.oid, lock.mode);
  if (!blocksAsClaimed(probe, blocks)) return fp(`${lock.relation}: ${blocks.join(" and ")} claimed to wait; second session: ${describeProbe(probe)}`, notes);
  return tp(`${lock.relation} existed; ${describeProbe(probe)}${what}`, notes);
}

function rowsOf(o: Observation, oid: number): number {
  return o.rows.get(oid) ?? 0;
}

/** The finding's claim that the statement reads or rewrites the whole table. */
function workClaim(o: Observation, oid: number, name: string, kind: "scan" | "rewrite" | "scan or rewrite"): Judgement | null {
  const rewritten = o.rewritten.has(oid);
  const scanned = o.scanned.has(oid);
  if (kind === "rewrite") return rewritten ? null : fp(`${name} was not rewritten (relfilenode unchanged)`);
  if (rewritten || scanned) return null;
  if (rowsOf(o, oid) === 0) return unreplayable(`no row could be seeded into ${name}: a scan is not observable`);
  return fp(`${name} was neither scanned (seq_tup_read grew by less than its ${rowsOf(o, oid)} rows) nor rewritten`);
}

const relationOf = (f: Finding, i = 0): string[] => (f.locks[i] ? [f.locks[i].relation] : []);
const allRelations = (f: Finding): string[] => f.locks.map((l) => l.relation);

function match(f: Finding, pattern: RegExp): RegExpExecArray {
  const m = pattern.exec(f.message);
  if (!m) throw new Error(`${f.rule}: message not understood: ${f.message}`);
  return m;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function columnExists(db: SqlSession, table: string, column: string): Promise<boolean> {
  const row = (
    await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped`,
      [table, column],
    )
  ).rows[0]!;
  return row.n !== "0";
}

/** Every column of every user table, committed (at the revision's start), by table oid: a table renamed later in the revision is found by its oid. */
async function columnsAtStart(db: SqlSession): Promise<Record<string, unknown>> {
  const rows = (
    await db.query<{ oid: string; cols: string[] }>(
      `SELECT c.oid::int8::text AS oid, array_agg(a.attname::text) AS cols FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE c.relkind IN ('r', 'p') AND c.oid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped GROUP BY c.oid`,
    )
  ).rows;
  return { columns: Object.fromEntries(rows.map((r) => [r.oid, r.cols])) };
}

function hadColumn(o: Observation, oid: number, column: string): boolean {
  const columns = (o.start.columns as Record<string, string[]> | undefined)?.[String(oid)] ?? [];
  return columns.includes(column);
}

async function relationExists(db: SqlSession, name: string): Promise<{ exists: boolean; kind: string | null }> {
  const row = (await db.query<{ kind: string | null }>(`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS kind`, [name])).rows[0]!;
  return { exists: row.kind !== null, kind: row.kind };
}

/** The table lock modes, weakest first. */
const STRENGTH: readonly LockMode[] = LOCK_MODES;
/** Whether `held` stops at least what `claimed` stops. */
function atLeast(held: LockMode | undefined, claimed: LockMode): boolean {
  if (!held) return false;
  return blockedBy(claimed).every((b) => blockedBy(held).includes(b)) && STRENGTH.indexOf(held) >= STRENGTH.indexOf(claimed) - 1;
}

function modeIn(text: string): LockMode {
  const m = STRENGTH.find((mode) => mode === text);
  if (!m) throw new Error(`not a lock mode: ${text}`);
  return m;
}

const MODE = "(ACCESS SHARE|ROW SHARE|ROW EXCLUSIVE|SHARE UPDATE EXCLUSIVE|SHARE ROW EXCLUSIVE|SHARE|EXCLUSIVE|ACCESS EXCLUSIVE)";

export const JUDGES: Record<string, Judge> = {
  "require-concurrent-index-creation": {
    claim: "SHARE (or stronger) on a table from before the revision: writes wait during the index build",
    claimed: relationOf,
    judge: (f, o) => lockClaim(f, o),
  },
  "require-concurrent-index-deletion": {
    claim: "ACCESS EXCLUSIVE on the index's table (from before the revision): reads and writes queue",
    claimed: allRelations,
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const index = f.locks.find((l) => l.kind === "index");
      if (index) {
        const e = existing(o, index.relation);
        if ("judgement" in e) return e.judgement;
      }
      const i = f.locks.findIndex((l) => l.kind !== "index");
      if (i < 0) {
        // the finding names no table: the index's table, as PostgreSQL locks it
        const oid = index ? (o.resolvedAtStart.get(index.relation) ?? null) : null;
        const table = oid === null ? null : (o.existed.get(oid)?.table ?? null);
        const probe = table === null ? undefined : o.probesAfter.get(table);
        return probe?.read && probe.write ? tp(`index's table: ${describeProbe(probe)}`) : fp(`index's table: ${describeProbe(probe)}`);
      }
      return lockClaim(f, o, i);
    },
  },
  "require-lock-timeout": {
    claim: "a lock that queues writes (SHARE and stronger; reads too for ACCESS EXCLUSIVE) on a table from before the revision, with lock_timeout 0",
    claimed: relationOf,
    judge(f, o) {
      if (o.lockTimeout !== "0") return fp(`lock_timeout is ${o.lockTimeout} in the session`);
      return lockClaim(f, o, 0, "; lock_timeout 0");
    },
  },
  "adding-unique-constraint": {
    claim: "ACCESS EXCLUSIVE on a table from before the revision while the unique index is built: reads and writes wait",
    claimed: relationOf,
    after: (f) => async (db) => ({ index: await newestIndexOf(db, f.locks[0]?.relation ?? "") }),
    judge: (f, o) => lockClaim(f, o),
  },
  "adding-primary-key": {
    claim: "ACCESS EXCLUSIVE on a table from before the revision while the key's index is built (USING INDEX: while it is scanned for NULLs)",
    claimed: relationOf,
    judge(f, o) {
      const verdict = lockClaim(f, o);
      if (verdict.verdict !== "tp" || !/scans the table/.test(f.message)) return verdict;
      const e = existing(o, f.locks[0]!.relation);
      return ("judgement" in e ? e.judgement : workClaim(o, e.oid, f.locks[0]!.relation, "scan")) ?? verdict;
    },
  },
  "constraint-missing-not-valid": {
    claim: "the constraint is validated by reading every row of a table from before the revision while the lock blocks writes (CHECK: reads too)",
    claimed: allRelations,
    judge(f, o) {
      const verdict = lockClaim(f, o);
      if (verdict.verdict !== "tp") return verdict;
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      const work = workClaim(o, e.oid, name, "scan");
      if (work) return work;
      if (f.locks[1]) {
        const other = lockClaim(f, o, 1);
        if (other.verdict !== "tp") return other;
      }
      return tp(`${verdict.why}; ${name} read in full (${rowsOf(o, e.oid)} rows)`, verdict.factNotes);
    },
  },
  "setting-not-null": {
    claim: "SET NOT NULL reads the whole table (from before the revision) under ACCESS EXCLUSIVE: reads and writes wait",
    claimed: relationOf,
    attempts: ["full", "nulls", "empty"],
    judge(f, o) {
      const name = f.locks[0]!.relation;
      if (o.error?.code === "23502") return tp(`${name}: PostgreSQL read the rows and found a NULL (${o.error.message})`);
      const verdict = lockClaim(f, o);
      if (verdict.verdict !== "tp") return verdict;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      return workClaim(o, e.oid, name, "scan") ?? tp(`${verdict.why}; ${name} read in full`, verdict.factNotes);
    },
  },
  "changing-column-type": {
    claim: "error: the type change rewrites the table (from before the revision) under ACCESS EXCLUSIVE; warning: takes ACCESS EXCLUSIVE and may rewrite",
    claimed: relationOf,
    judge(f, o) {
      const verdict = lockClaim(f, o);
      if (verdict.verdict !== "tp" || f.severity === "warning") return verdict;
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      return workClaim(o, e.oid, name, "rewrite") ?? tp(`${verdict.why}; rewritten`, verdict.factNotes);
    },
  },
  "adding-field-with-volatile-default": {
    claim: "ADD COLUMN rewrites the table (from before the revision) under ACCESS EXCLUSIVE",
    claimed: relationOf,
    judge(f, o) {
      const verdict = lockClaim(f, o);
      if (verdict.verdict !== "tp") return verdict;
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      return workClaim(o, e.oid, name, "rewrite") ?? tp(`${verdict.why}; rewritten`, verdict.factNotes);
    },
  },
  "adding-required-field": {
    claim: "the statement fails when the table (from before the revision) has a row",
    claimed: relationOf,
    attempts: ["nulls"],
    acceptError: true,
    judge(f, o) {
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      if (rowsOf(o, e.oid) === 0) return unreplayable(`no row could be seeded into ${name}`);
      if (o.error?.code === "23502") return tp(`with ${rowsOf(o, e.oid)} rows: ${o.error.message}`);
      return o.error ? unreplayable(`failed otherwise: ${o.error.message}`) : fp(`with ${rowsOf(o, e.oid)} rows in ${name} the statement succeeded`);
    },
  },
  "backfilling-in-migration": {
    claim: "an UPDATE of a table from before the revision leaves the rows it changed locked until COMMIT",
    claimed: relationOf,
    rowProbe: (f) => f.locks[0]?.relation ?? "",
    attempts: ["full", "nulls", "empty"],
    retry: (o) => !o.rowCount,
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      if (!o.rowCount) return unreplayable(`the UPDATE matched none of the ${rowsOf(o, e.oid)} seeded rows of ${name}: nothing to observe`);
      if (o.lockedRows === null) {
        const mode = o.locksAfter.get(e.oid);
        return mode === "EXCLUSIVE" || mode === "ACCESS EXCLUSIVE"
          ? tp(`${o.rowCount} rows updated; the whole table is locked ${mode} until COMMIT`)
          : unreplayable("row locks not measurable");
      }
      return o.lockedRows > 0
        ? tp(`${o.rowCount} rows updated; ${o.lockedRows} rows cannot be locked by another session until COMMIT`)
        : fp("no row stays locked");
    },
  },
  "deleting-all-rows": {
    claim: "DELETE removes every row of a table from before the revision",
    claimed: relationOf,
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const name = f.locks[0]!.relation;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      const rows = rowsOf(o, e.oid);
      if (rows === 0) return unreplayable(`no row could be seeded into ${name}`);
      return o.rowCount === rows ? tp(`all ${rows} rows deleted`) : fp(`${o.rowCount} of ${rows} rows deleted`);
    },
  },
  "dropping-column": {
    claim: "a column of a table from before the revision, existing when the revision started, is dropped (queries naming it fail)",
    claimed: (f) => [dropped(f).table],
    atStart: () => columnsAtStart,
    after: (f) => async (db) => ({ column: await columnExists(db, dropped(f).table, dropped(f).column) }),
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const { table, column } = dropped(f);
      const e = existing(o, table);
      if ("judgement" in e) return e.judgement;
      if (!hadColumn(o, e.oid, column)) return fp(`${table}.${column} did not exist when the revision started (added earlier in it)`);
      return o.extra.column === false ? tp(`${table}.${column} existed and is gone`) : fp(`${table}.${column} is still there`);
    },
  },
  "renaming-column": {
    claim: "a column that existed when the revision started is renamed (queries naming the old name fail)",
    claimed: (f) => [renamedColumn(f).table],
    atStart: () => columnsAtStart,
    after: (f) => async (db) => ({ column: await columnExists(db, renamedColumn(f).table, renamedColumn(f).column) }),
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const { table, column } = renamedColumn(f);
      const e = existing(o, table);
      if ("judgement" in e) return e.judgement;
      if (!hadColumn(o, e.oid, column)) return fp(`${table}.${column} did not exist when the revision started (added earlier in it)`);
      return o.extra.column === false ? tp(`${table}.${column} existed and the old name is gone`) : fp(`${table}.${column} is still there`);
    },
  },
  "renaming-table": {
    claim: "a table that existed when the revision started is renamed (queries naming the old name fail)",
    claimed: (f) => [match(f, /^renaming (.+?) to /)[1]!],
    after: (f) => async (db) => relationExists(db, match(f, /^renaming (.+?) to /)[1]!),
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const name = match(f, /^renaming (.+?) to /)[1]!;
      const e = existing(o, name);
      if ("judgement" in e) return e.judgement;
      const kind = o.existed.get(e.oid)?.kind;
      if (kind !== "r" && kind !== "p") return fp(`${name} is a relation of kind ${kind}, not a table`);
      return o.extra.exists === false ? tp(`${name} existed and the old name is gone`) : fp(`${name} still resolves`);
    },
  },
  "dropping-table": {
    claim: "a table from before the revision is dropped; the other tables the message names are locked ACCESS EXCLUSIVE",
    claimed: allRelations,
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const notes: string[] = [];
      for (const [i, lock] of f.locks.entries()) {
        const e = existing(o, lock.relation);
        if ("judgement" in e) return e.judgement;
        const mode = o.locksAfter.get(e.oid);
        if (i > 0 && mode !== "ACCESS EXCLUSIVE") return fp(`${lock.relation}: claimed ACCESS EXCLUSIVE, PostgreSQL held ${mode ?? "no lock"}`);
        notes.push(...modeNote(o, lock.relation, e.oid, lock.mode));
      }
      return tp(`${f.locks[0]!.relation} existed and was dropped${f.locks.length > 1 ? `; ${f.locks.length - 1} other table(s) ACCESS EXCLUSIVE` : ""}`, notes);
    },
  },
  "foreign-key-without-index": {
    claim:
      "a foreign key on a table from before the revision, with no index on its columns once the revision is committed (each DELETE of a referenced row scans the table)",
    claimed: (f) => [fkOf(f).table],
    afterRevision: (f) => async (db) => fkIndex(db, fkOf(f).table, fkOf(f).columns),
    judge(f, o, r) {
      const { table, columns } = fkOf(f);
      const e = existing(o, table);
      if ("judgement" in e) return e.judgement;
      const after = r.afterRevision as { foreignKeys?: number; indexes?: number; error?: string } | undefined;
      if (!after || after.error !== undefined || after.foreignKeys === undefined) return unreplayable(`revision not checked: ${after?.error ?? "no result"}`);
      if (after.foreignKeys === 0) return unreplayable(`no foreign key on ${table} (${columns.join(", ")}) after the revision (the replay lost it)`);
      return after.indexes === 0
        ? tp(`${table} existed; after the revision a foreign key on (${columns.join(", ")}) and no index leading with them`)
        : fp(`${table} has an index leading with (${columns.join(", ")}) after the revision`);
    },
  },
  "identifier-too-long": {
    claim: "PostgreSQL truncates the name to 63 bytes",
    claimed: () => [],
    after: (f) => async (db) => ({ truncated: await nameExists(db, match(f, /\("([^"]+)"\)$/)[1]!) }),
    judge(_f, o) {
      const error = statementError(o);
      if (error) return error;
      return o.extra.truncated ? tp("an object with the truncated name exists") : fp("no object with the truncated name");
    },
  },
  "lock-held-during-slow-statement": {
    claim:
      "the statement scans or rewrites a table while the transaction already holds a read- or write-blocking lock on another table from before the revision",
    claimed: (f) => {
      const m = slowHeld(f);
      return [m.slow, m.held];
    },
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const m = slowHeld(f);
      const slow = existing(o, m.slow);
      if ("judgement" in slow) return slow.judgement;
      const held = existing(o, m.held);
      if ("judgement" in held) return held.judgement;
      const mode = o.locksBefore.get(held.oid);
      if (!atLeast(mode, m.mode)) return fp(`${m.held}: claimed ${m.mode} held before the statement, PostgreSQL held ${mode ?? "no lock"}`);
      const probe = o.probesAfter.get(held.oid);
      const blocks = m.blocked === "reads and writes" ? ["reads", "writes"] : ["writes"];
      if (!blocksAsClaimed(probe, blocks)) return fp(`${m.held}: ${m.blocked} claimed to wait; ${describeProbe(probe)}`);
      const work = workClaim(o, slow.oid, m.slow, m.rewrite ? "rewrite" : "scan or rewrite");
      if (work) return work;
      return tp(`${m.held} held ${mode} (${describeProbe(probe)}) while ${m.slow} was ${o.rewritten.has(slow.oid) ? "rewritten" : "read in full"}`);
    },
  },
  "lock-order": {
    claim: "the statement takes a stronger lock on a table already locked weaker, while holding a read- or write-blocking lock on a table locked after it",
    claimed: (f) => {
      const m = lockOrder(f);
      return [m.relation, m.other];
    },
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const m = lockOrder(f);
      const r = existing(o, m.relation);
      if ("judgement" in r) return r.judgement;
      const other = existing(o, m.other);
      if ("judgement" in other) return other.judgement;
      const before = o.locksBefore.get(r.oid);
      const after = o.locksAfter.get(r.oid);
      if (!before) return fp(`${m.relation} was not locked before the statement`);
      if (!after || STRENGTH.indexOf(after) <= STRENGTH.indexOf(before)) return fp(`${m.relation}: held ${before}, no stronger lock taken (${after})`);
      const otherMode = o.locksBefore.get(other.oid);
      if (!otherMode) return fp(`${m.other} was not locked before the statement`);
      const probe = o.probesBefore.get(other.oid);
      if (!probe?.read && !probe?.write) return fp(`${m.other} held ${otherMode}, which blocks neither reads nor writes (${describeProbe(probe)})`);
      return tp(`${m.relation} ${before} -> ${after} while ${m.other} held ${otherMode} (${describeProbe(probe)})`);
    },
  },
  "lock-upgrade": {
    claim: "a table from before the revision is locked (blocking writes or reads) and later locked stronger in the same transaction",
    claimed: (f) => [lockUpgrade(f).relation],
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const m = lockUpgrade(f);
      const r = existing(o, m.relation);
      if ("judgement" in r) return r.judgement;
      const before = o.locksBefore.get(r.oid);
      const after = o.locksAfter.get(r.oid);
      if (!before) return fp(`${m.relation} was not locked before the statement`);
      const probe = o.probesBefore.get(r.oid);
      if (!probe?.write) return fp(`${m.relation} held ${before} before the statement, which does not block writes (${describeProbe(probe)})`);
      if (!after || STRENGTH.indexOf(after) <= STRENGTH.indexOf(before)) return fp(`${m.relation}: held ${before}, no stronger lock taken (${after})`);
      const notes = [
        ...(before === m.held ? [] : [`held: locklint ${m.held}, PostgreSQL ${before}`]),
        ...(after === m.mode ? [] : [`taken: locklint ${m.mode}, PostgreSQL ${after}`]),
      ];
      return tp(`${m.relation} ${before} -> ${after}`, notes);
    },
  },
  "revisions-share-transaction": {
    claim: "a lock taken by an earlier revision on a table from before it (blocking reads or writes) is still held when the later revision runs",
    claimed: (f) => [sharedTx(f).relation],
    start(f, history, flaggedIndex) {
      const earlier = sharedTx(f).earlier;
      const first = history.statements.find((s) => s.revisionId === earlier && s.index < flaggedIndex);
      return first?.index ?? flaggedIndex;
    },
    judge(f, o) {
      const error = statementError(o);
      if (error) return error;
      const m = sharedTx(f);
      const r = existing(o, m.relation);
      if ("judgement" in r) return r.judgement;
      if (!o.fileTransaction) return fp("the statement does not run in the earlier revision's transaction");
      const before = o.locksBefore.get(r.oid);
      const probe = o.probesBefore.get(r.oid);
      if (!before || (!probe?.read && !probe?.write))
        return fp(`${m.relation}: held ${before ?? "no lock"} when the later revision starts (${describeProbe(probe)})`);
      return tp(`${m.relation} still held ${before} (${describeProbe(probe)})`, before === m.mode ? [] : [`locklint ${m.mode}, PostgreSQL ${before}`]);
    },
  },
  "excessive-lock-timeout": {
    claim: "lock_timeout above 10 s in force while the statement takes a read- or write-blocking lock on a table from before the revision",
    claimed: relationOf,
    judge(f, o) {
      const ms = timeoutMs(o.lockTimeout);
      if (ms <= 10_000) return fp(`lock_timeout is ${o.lockTimeout} in the session`);
      return lockClaim(f, o, 0, `; lock_timeout ${o.lockTimeout}`);
    },
  },
  "prefer-robust-stmts": {
    claim: "run a second time (a re-run after a later failure), the statement fails",
    claimed: () => [],
    attempts: ["empty"],
    rerun: true,
    judge(_f, o) {
      if (o.error) return unreplayable(`the statement failed the first time: ${o.error.message}`);
      if (o.rerunError === undefined) return unreplayable("not re-run (it ran inside a transaction)");
      return o.rerunError ? tp(`second run: ${o.rerunError.message}`) : fp("the second run succeeded");
    },
  },
};

function dropped(f: Finding): { table: string; column: string } {
  const m = match(f, /^dropping (.+)\.([^.]+): application/);
  return { table: m[1]!, column: m[2]! };
}

function renamedColumn(f: Finding): { table: string; column: string } {
  const m = match(f, /^renaming (.+)\.([^.\s]+) to /);
  return { table: m[1]!, column: m[2]! };
}

function fkOf(f: Finding): { table: string; columns: string[] } {
  const m = match(f, /^no index on (.+?) \(([^)]*)\), an existing table/);
  return { table: m[1]!, columns: m[2]!.split(", ") };
}

function slowHeld(f: Finding): { slow: string; rewrite: boolean; mode: LockMode; held: string; blocked: string } {
  const m = match(
    f,
    new RegExp(`^this statement (rewrites|reads all of) (.+?) while ${MODE} on (.+?), taken at line \\d+, is still held: (reads and writes|writes) of`),
  );
  return { rewrite: m[1] === "rewrites", slow: m[2]!, mode: modeIn(m[3]!), held: m[4]!, blocked: m[5]! };
}

function lockOrder(f: Finding): { mode: LockMode; relation: string; other: string } {
  const m = match(
    f,
    new RegExp(`^this statement takes ${MODE} on (.+?) \\(held .+? since line \\d+\\) while the transaction holds ${MODE} on (.+?), locked after`),
  );
  return { mode: modeIn(m[1]!), relation: m[2]!, other: m[4]! };
}

function lockUpgrade(f: Finding): { relation: string; held: LockMode; mode: LockMode } {
  const m = match(f, new RegExp(`^(.+?) is locked ${MODE} at line \\d+, then ${MODE} here`));
  return { relation: m[1]!, held: modeIn(m[2]!), mode: modeIn(m[3]!) };
}

function sharedTx(f: Finding): { earlier: string; mode: LockMode; relation: string } {
  const m = match(f, new RegExp(`runs in the same transaction as revision (\\S+), which took ${MODE} on (.+?) at line \\d+:`));
  return { earlier: m[1]!, mode: modeIn(m[2]!), relation: m[3]! };
}

function timeoutMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?$/.exec(value.trim());
  if (!m) return 0;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "ms"]!;
  return Number(m[1]) * unit;
}

async function newestIndexOf(db: SqlSession, table: string): Promise<string | null> {
  const row = (await db.query<{ name: string }>(`SELECT max(indexrelid::regclass::text) AS name FROM pg_index WHERE indrelid = to_regclass($1)`, [table]))
    .rows[0];
  return row?.name ?? null;
}

async function nameExists(db: SqlSession, name: string): Promise<boolean> {
  const row = (
    await db.query<{ n: string }>(
      `SELECT ((SELECT count(*) FROM pg_class WHERE relname = $1) + (SELECT count(*) FROM pg_constraint WHERE conname = $1) + (SELECT count(*) FROM pg_type WHERE typname = $1)
             + (SELECT count(*) FROM pg_trigger WHERE tgname = $1) + (SELECT count(*) FROM pg_attribute WHERE attname = $1) + (SELECT count(*) FROM pg_proc WHERE proname = $1))::text AS n`,
      [name],
    )
  ).rows[0]!;
  return row.n !== "0";
}

/** Foreign keys of `table` on exactly `columns`, and indexes whose leading columns are those columns (in any order). */
async function fkIndex(db: SqlSession, table: string, columns: string[]): Promise<{ foreignKeys: number; indexes: number }> {
  const row = (
    await db.query<{ fks: string; idx: string }>(
      `WITH cols AS (SELECT array_agg(attnum ORDER BY attnum) AS nums FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = ANY($2::text[]))
       SELECT (SELECT count(*) FROM pg_constraint c, cols WHERE c.conrelid = to_regclass($1) AND c.contype = 'f'
                 AND (SELECT array_agg(x ORDER BY x) FROM unnest(c.conkey) x) = cols.nums)::text AS fks,
              (SELECT count(*) FROM pg_index i, cols WHERE i.indrelid = to_regclass($1)
                 AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:array_length(cols.nums, 1) - 1]) x) = cols.nums)::text AS idx`,
      [table, columns],
    )
  ).rows[0]!;
  return { foreignKeys: Number(row.fks), indexes: Number(row.idx) };
}

export { q };
