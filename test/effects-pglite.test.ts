import { citext } from "@electric-sql/pglite/contrib/citext";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { objectLocksOf, type RelationLock, type StatementEffects } from "../src/locks/effects.js";
import { LISTED_FUNCTIONS, listedVolatility } from "../src/sql/volatility.js";
import { freshPGlite, LockObserver, type Observation } from "./support/pglite-observer.js";
import { FIXTURE, NON_TRANSACTIONAL, predictedEffects, TRANSACTIONAL } from "../src/docs/effects-cases.js";
import { factRows } from "../src/locks/facts.js";
import { loadParser } from "../src/sql/parse.js";

/**
 * The effects table checked against a real PostgreSQL (PGlite: PostgreSQL 18 compiled to WASM).
 * Each case runs inside BEGIN on a fixture with rows; pg_locks, relfilenode and the per-table
 * sequential-read counters are read back and compared with what locklint predicts for the same
 * statement after replaying the same fixture.
 */

let observer: LockObserver;

beforeAll(async () => {
  // with citext available (CREATE EXTENSION in a case's prep): varchar -> citext keeps the rows
  observer = await LockObserver.over(await freshPGlite({ extensions: { citext } }), FIXTURE);
}, 60_000);

afterAll(async () => {
  await observer?.close();
});

const predictions = new Map<string, StatementEffects>();

/** locklint's prediction, worked out once per case (each replays the whole fixture); the parser is loaded first. */
async function predict(sql: string, prep = ""): Promise<StatementEffects> {
  await loadParser();
  const key = `${prep}\0${sql}`;
  let effects = predictions.get(key);
  if (!effects) predictions.set(key, (effects = predictedEffects(sql, prep)));
  return effects;
}

const unqualified = (relation: string) => relation.replace(/^public\./, "").replace(/"/g, "");

/** Differences between prediction and observation, one line each; empty when they agree. */
function compare(predicted: RelationLock[], observed: Observation, renames: Record<string, string> = {}): string[] {
  for (const [newName, oldName] of Object.entries(renames)) {
    const seen = observed.locks.get(newName);
    if (seen) observed.locks.set(oldName, seen);
    observed.locks.delete(newName);
  }
  const problems: string[] = [];
  const byName = new Map(predicted.map((l) => [unqualified(l.relation), l]));
  for (const [name, lock] of byName) {
    // pg_locks is read for tables, indexes and materialized views: a view's own lock is not observed (its tables' are)
    if (lock.kind === "view") continue;
    const seen = observed.locks.get(name);
    if (!seen) {
      // A relation dropped by the statement has no pg_class row left to join pg_locks with.
      if (lock.mode !== "ACCESS EXCLUSIVE" || lock.why.length === 0) problems.push(`${name}: predicted ${lock.mode}, observed no lock`);
      continue;
    }
    if (seen.mode !== lock.mode) problems.push(`${name}: predicted ${lock.mode}, observed ${seen.mode}`);
    if (lock.novelty === null && lock.rewrite !== observed.rewritten.has(name)) {
      problems.push(`${name}: predicted rewrite=${lock.rewrite}, observed ${observed.rewritten.has(name)}`);
    }
    // a scan is rows read (seq_tup_read): a rewrite that copies rows reads them, one that only replaces the files (TRUNCATE) does not
    if (lock.novelty === null && lock.kind !== "index" && lock.scan !== observed.scanned.has(name)) {
      problems.push(`${name}: predicted scan=${lock.scan}, observed ${observed.scanned.has(name)}`);
    }
  }
  for (const [name, seen] of observed.locks) {
    // Indexes are locked implicitly along with their table; the prediction lists the ones that matter.
    if (byName.has(name) || seen.index) continue;
    problems.push(`${name}: observed ${seen.mode}, not predicted`);
  }
  for (const name of observed.rewritten) {
    const lock = byName.get(name);
    const tableRewritten = [...byName.values()].some((l) => l.rewrite && l.kind !== "index");
    if (!lock && !tableRewritten) problems.push(`${name}: rewritten, not predicted`);
  }
  return problems;
}

describe("effects agree with PostgreSQL", () => {
  it("runs against a real PostgreSQL 18", async () => {
    expect(await observer.serverVersion()).toMatch(/^18\./);
  });

  for (const c of TRANSACTIONAL) {
    const name = c.prep ? `${c.sql}  (after ${c.prep})` : c.sql;
    const problemsOf = async (): Promise<string[]> => {
      const predicted = await predict(c.sql, c.prep);
      expect(predicted.transactional).toBe(true);
      // the statement must run: a known difference is what PostgreSQL did, not an error
      const observed = await observer.observe(c.sql, c.prep);
      // the types locked (beyond ACCESS SHARE) are the ones predicted, known difference or not
      // a type the statement drops has no pg_type row left to name its lock by (the truth harness sees it: test/truth)
      const effects = predicted;
      const dropped = new Set(effects.operations.flatMap((e) => (e.operation.op === "drop-type" ? [e.operation.type.name] : [])));
      const predictedTypeLocks = objectLocksOf(effects)
        .filter((l) => l.kind === "type" && !dropped.has(unqualified(l.relation)))
        .map((l) => `${unqualified(l.relation)}: ${l.mode}`);
      expect(observed.typeLocks, "locks on types").toEqual(predictedTypeLocks.sort());
      return compare(predicted.locks, observed, c.renames);
    };
    if (c.differs) {
      // a prediction known to be wrong (issue 18): fails once PostgreSQL and locklint agree, so that the note goes
      it(`${name} (known difference: ${c.differs})`, async () => {
        expect(await problemsOf(), "PostgreSQL and locklint agree now: remove the note").not.toEqual([]);
      });
    } else {
      it(name, async () => {
        const problems = await problemsOf();
        expect(problems, problems.join("; ")).toEqual([]);
      });
    }
  }

  for (const sql of NON_TRANSACTIONAL) {
    it(`${sql} is refused inside a transaction block`, async () => {
      const predicted = await predict(sql);
      expect(predicted.transactional).toBe(false);
      expect(await observer.errorInTransaction(sql)).toMatch(/cannot run inside a transaction block/);
    });
  }
});

describe("locks on types agree with PostgreSQL", () => {
  it("ALTER TYPE ... ADD VALUE and RENAME VALUE: EXCLUSIVE on the type, shown by locklint locks", async () => {
    await loadParser();
    for (const sql of ["ALTER TYPE mood ADD VALUE 'calm'", "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'"]) {
      expect((await observer.observe(sql)).typeLocks).toEqual(["mood: EXCLUSIVE"]);
      const predicted = objectLocksOf(predictedEffects(sql));
      expect(predicted.map((l) => `${l.relation}: ${l.mode} (${l.kind}, blocks ${l.blocks.join(", ")})`)).toEqual(["mood: EXCLUSIVE (type, blocks ddl)"]);
      // no relation is locked: tables of the type are read and written meanwhile
      expect((await predict(sql)).locks).toEqual([]);
    }
  });
});

describe("locks on sequences agree with PostgreSQL", () => {
  it("ALTER SEQUENCE: SHARE ROW EXCLUSIVE on the sequence (nextval waits), shown by locklint locks", async () => {
    await loadParser();
    for (const sql of [
      "ALTER SEQUENCE order_numbers INCREMENT BY 5",
      "ALTER SEQUENCE order_numbers RESTART",
      "ALTER SEQUENCE order_numbers OWNED BY orders.id",
    ]) {
      const held = await observer.modesOn("order_numbers", sql);
      const strongest = held.includes("ShareRowExclusiveLock") ? "SHARE ROW EXCLUSIVE" : held.join(",");
      const predicted = objectLocksOf(predictedEffects(sql)).filter((l) => l.kind === "sequence");
      expect(held).not.toContain("AccessExclusiveLock");
      expect(predicted.map((l) => `${l.relation}: ${l.mode}`)).toEqual([`order_numbers: ${strongest}`]);
    }
  });
});

/** Rows of the facts table no SQL reaches, with the reason: the only ones allowed without a case. */
const UNREACHABLE: Record<string, string> = {
  "alter-table: ADD CONSTRAINT / table":
    "the fallback for a table constraint kind the grammar never produces in ALTER TABLE ... ADD (DEFAULT, NULL, attributes)",
};

describe("every row of the lock-facts table is run against PostgreSQL", () => {
  it("has a case for each row and role (src/locks/facts.ts)", async () => {
    await loadParser();
    const run = new Set<string>();
    const cases = [...TRANSACTIONAL, ...NON_TRANSACTIONAL.map((sql) => ({ sql, prep: undefined }))];
    for (const c of cases) for (const effect of (await predict(c.sql, c.prep)).operations) for (const used of effect.facts) run.add(used);
    const rows: string[] = [];
    for (const [id, row] of factRows()) for (const role of Object.keys(row.roles)) rows.push(`${id} / ${role}`);
    expect(rows.filter((row) => !run.has(row) && !(row in UNREACHABLE))).toEqual([]);
    expect(Object.keys(UNREACHABLE).filter((row) => run.has(row) || !rows.includes(row))).toEqual([]);
  });
});

describe("function volatility lists agree with pg_proc", () => {
  it("classifies each built-in function as its most volatile overload", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const name of LISTED_FUNCTIONS) {
      const actual = await observer.mostVolatile(name);
      if (actual === null) continue; // an extension's function (uuid-ossp, pgcrypto): not installed here
      checked++;
      if (actual !== listedVolatility(name)) wrong.push(`${name}: listed ${listedVolatility(name)}, pg_proc ${actual}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
