import { LOCK_TIMEOUT_SQL } from "../src/lint/advice.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";
import { isDisabledTimeout } from "../src/locks/session.js";

export default defineRule({
  id: "require-lock-timeout",
  severity: "warning",
  summary: "ACCESS EXCLUSIVE on an existing table with no lock_timeout set",
  docs: {
    why: "An ACCESS EXCLUSIVE lock request waits for every running query on the table, however long, and while it waits every new query on the table, reads included, queues behind it. A migration stuck behind one slow report takes the whole table down. `SET lock_timeout` makes the migration give up instead (and retry later), which costs a failed deploy rather than an outage.",
    example: "ALTER TABLE orders ADD COLUMN note text;",
    useInstead: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
    alembic:
      "# in each risky migration:\nop.execute(\"SET lock_timeout = '5s'\")\n# or once for all, in env.py before context.run_migrations():\ncontext.execute(\"SET lock_timeout = '5s'\")",
    notes:
      "Reported once per revision (once per transaction without revision markers). A lock_timeout set inside one revision does not count for the next: each revision is deployed on its own. One set before the first revision (env.py) counts for all. `SET LOCAL` lasts until COMMIT.",
    references: [
      "https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT",
      "https://www.postgresql.org/docs/current/explicit-locking.html",
    ],
  },
  check(ctx) {
    const lock = existingLocks(ctx.effects.locks).find((l) => l.mode === "ACCESS EXCLUSIVE");
    if (!lock || !isDisabledTimeout(ctx.setting("lock_timeout"))) return;
    if (!ctx.firstTime(ctx.place.unit.key)) return;
    const scope = ctx.place.unit.label === "statement" ? "" : ` (first such statement in this ${ctx.place.unit.label})`;
    ctx.report({
      message: `ACCESS EXCLUSIVE on existing table ${lock.relation} with no lock_timeout: if any query holds a lock on it, this statement waits and every query on ${lock.relation} queues behind it${scope}`,
      help: {
        text: "Set a lock_timeout before the first statement that takes a strong lock, so the migration fails fast instead of stalling the table.",
        sql: LOCK_TIMEOUT_SQL,
        alembic: "op.execute(\"SET lock_timeout = '5s'\")  # first line of upgrade(); or context.execute(...) in env.py",
      },
      locks: [lock],
    });
  },
});
