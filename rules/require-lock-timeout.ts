import { LOCK_TIMEOUT_SQL } from "../src/lint/advice.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";
import type { RelationLock } from "../src/locks/effects.js";
import { LOCK_MODES, type LockMode } from "../src/locks/modes.js";
import { isDisabledTimeout } from "../src/locks/session.js";

/** The modes that conflict with ROW EXCLUSIVE: while one of them waits in the queue, writes (and, for ACCESS EXCLUSIVE, reads) queue behind it. */
const QUEUEING: readonly LockMode[] = ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"];

export default defineRule({
  id: "require-lock-timeout",
  severity: "warning",
  summary: "A lock that blocks writes or reads (SHARE and stronger) on an existing table with no lock_timeout set",
  docs: {
    why: "A lock request waits for every running transaction holding a conflicting lock on the table, however long, and while it waits every new request that conflicts with it queues behind it. For ACCESS EXCLUSIVE (most ALTER TABLE forms, DROP) that is every query, reads included; for SHARE (CREATE INDEX without CONCURRENTLY), SHARE ROW EXCLUSIVE (ADD FOREIGN KEY, on both tables; CREATE TRIGGER) and EXCLUSIVE (REFRESH MATERIALIZED VIEW CONCURRENTLY) it is every INSERT, UPDATE and DELETE. A migration stuck behind one slow report (or, for the modes that block only writes, one long write transaction) takes the table down. `SET lock_timeout` makes the migration give up instead (and retry later), which costs a failed deploy rather than an outage.",
    example: "ALTER TABLE orders ADD COLUMN note text;",
    useInstead: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
    alembic:
      "# in each risky migration:\nop.execute(\"SET lock_timeout = '5s'\")\n# or once for all, in env.py before context.run_migrations():\ncontext.execute(\"SET lock_timeout = '5s'\")",
    notes:
      "Fires at the first statement that takes SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE or ACCESS EXCLUSIVE on a relation that existed before the revision (so also at CREATE TABLE ... REFERENCES an existing table, which takes SHARE ROW EXCLUSIVE on it); tables created in the same revision or transaction are invisible to other sessions and do not count, nor do SHARE UPDATE EXCLUSIVE and weaker modes (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT), which block neither reads nor writes. Reported once per revision (once per transaction without revision markers). A lock_timeout set inside one revision does not count for the next: each revision is deployed on its own. One set before the first revision (env.py) counts for all. `SET LOCAL` lasts until COMMIT.",
    references: [
      "https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT",
      "https://www.postgresql.org/docs/current/explicit-locking.html",
    ],
  },
  check(ctx) {
    const lock = strongest(existingLocks(ctx.effects.locks).filter((l) => QUEUEING.includes(l.mode)));
    if (!lock || !isDisabledTimeout(ctx.setting("lock_timeout"))) return;
    if (!ctx.firstTime(ctx.place.unit.key)) return;
    const scope = ctx.place.unit.label === "statement" ? "" : ` (first such statement in this ${ctx.place.unit.label})`;
    const queued = lock.mode === "ACCESS EXCLUSIVE" ? "every query" : "every write";
    ctx.report({
      message: `${lock.mode} on existing ${lock.kind} ${lock.relation} with no lock_timeout: if any transaction holds a conflicting lock on it, this statement waits and ${queued} on ${lock.relation} queues behind it${scope}`,
      help: {
        text: "Set a lock_timeout before the first statement that takes a strong lock, so the migration fails fast instead of stalling the table.",
        sql: LOCK_TIMEOUT_SQL,
        alembic: "op.execute(\"SET lock_timeout = '5s'\")  # first line of upgrade(); or context.execute(...) in env.py",
      },
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
