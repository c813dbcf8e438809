import { defineRule, existingLocks } from "../src/lint/rule.js";
import { isDisabledTimeout } from "../src/locks/session.js";

export default defineRule({
  id: "require-statement-timeout",
  severity: "warning",
  optional: true,
  summary: "A strong lock on an existing table with no statement_timeout: a slow statement holds it without bound",
  docs: {
    why: "`lock_timeout` bounds the wait for a lock; `statement_timeout` bounds how long a statement may then run while holding it. Without one, a rewrite or scan that is slower than expected keeps reads or writes blocked until it finishes or someone cancels it.",
    example: "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    useInstead: "SET statement_timeout = '5min';\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    alembic: "op.execute(\"SET statement_timeout = '5min'\")  # or context.execute(...) in env.py",
    notes: "Off by default: backfills and index builds legitimately run long, and a timeout that fires half-way wastes the work. Reported once per revision.",
    references: ["https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT"],
  },
  check(ctx) {
    const lock = existingLocks(ctx.effects.locks).find((l) => l.blocks.includes("writes"));
    if (!lock || !isDisabledTimeout(ctx.setting("statement_timeout")) || !ctx.firstTime(ctx.place.unit.key)) return;
    ctx.report({
      message: `${lock.mode} on existing table ${lock.relation} with no statement_timeout`,
      help: { text: "Set a statement_timeout that bounds the migration's statements.", sql: "SET statement_timeout = '5min';" },
      locks: [lock],
    });
  },
});
