import { defineRule, existingLocks } from "../src/lint/rule.js";
import type { RelationLock } from "../src/locks/effects.js";
import { LOCK_MODES } from "../src/locks/modes.js";
import { isDisabledTimeout } from "../src/locks/session.js";

/** SHARE UPDATE EXCLUSIVE and stronger: held for the whole statement, they stop schema changes and VACUUM (and, from SHARE on, writes or reads). */
const HOLDS_OFF_OTHERS = LOCK_MODES.indexOf("SHARE UPDATE EXCLUSIVE");

export default defineRule({
  id: "require-statement-timeout",
  severity: "warning",
  optional: true,
  summary: "A lock of SHARE UPDATE EXCLUSIVE or stronger on an existing table with no statement_timeout: a slow statement holds it without bound",
  docs: {
    why: "`lock_timeout` bounds the wait for a lock; `statement_timeout` bounds how long a statement may then run while holding it. Without one, a rewrite, scan or index build that is slower than expected keeps its lock until it finishes or someone cancels it: reads or writes wait behind ACCESS EXCLUSIVE, SHARE and SHARE ROW EXCLUSIVE, and even the SHARE UPDATE EXCLUSIVE of `CREATE INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `VALIDATE CONSTRAINT` and `VACUUM` keeps autovacuum (wraparound protection included) and every later schema change on the table waiting.",
    example: "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    useInstead: "SET statement_timeout = '5min';\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    alembic: "op.execute(\"SET statement_timeout = '5min'\")  # or context.execute(...) in env.py",
    notes:
      "Off by default: backfills and index builds legitimately run long, and a timeout that fires half-way wastes the work (a cancelled `CREATE INDEX CONCURRENTLY` leaves an INVALID index to drop). Fires at the first statement of the revision (of the file, without revision markers) that takes SHARE UPDATE EXCLUSIVE or stronger on a relation that existed before it; queries and DML (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE) and tables created in the same revision do not count. `statement_timeout = 0` counts as none.",
    references: ["https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT"],
  },
  check(ctx) {
    const lock = strongest(existingLocks(ctx.effects.locks).filter((l) => LOCK_MODES.indexOf(l.mode) >= HOLDS_OFF_OTHERS));
    if (!lock || !isDisabledTimeout(ctx.setting("statement_timeout")) || !ctx.firstTime(ctx.place.unit.key)) return;
    const stops = lock.blocks.includes("reads") ? "reads, writes" : lock.blocks.includes("writes") ? "writes" : "VACUUM";
    ctx.report({
      message: `${lock.mode} on existing ${lock.kind} ${lock.relation} with no statement_timeout: however long this statement runs, ${stops} and schema changes on ${lock.relation} wait`,
      help: { text: "Set a statement_timeout that bounds the migration's statements.", sql: "SET statement_timeout = '5min';" },
      locks: [lock],
    });
  },
});

/** The lock of the strongest mode (the first of the statement among equals). */
function strongest(locks: RelationLock[]): RelationLock | undefined {
  let best: RelationLock | undefined;
  for (const l of locks) if (!best || LOCK_MODES.indexOf(l.mode) > LOCK_MODES.indexOf(best.mode)) best = l;
  return best;
}
