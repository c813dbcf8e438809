import { blocksReadsOrWrites } from "../src/locks/modes.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";
import { isDisabledTimeout, timeoutMs } from "../src/locks/session.js";

/** Longer than this, queries queued behind a waiting lock pile up: application timeouts fire first. */
const MAX_MS = 10_000;

export default defineRule({
  id: "excessive-lock-timeout",
  severity: "warning",
  summary: "A lock_timeout so long that every query on the table queues behind the waiting migration",
  docs: {
    why: "While a migration waits for a lock that blocks reads or writes, every later query on that table waits behind it, even ones that would not conflict with the holder. A `lock_timeout` bounds that queue; set to tens of seconds or minutes it stops protecting anything: web requests time out and connection pools fill before the migration gives up.",
    example: "SET lock_timeout = '5min';\nALTER TABLE orders ADD COLUMN note text;",
    useInstead: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    alembic: "op.execute(\"SET lock_timeout = '3s'\")  # and retry the deploy if it times out",
    notes: `Reported above ${MAX_MS / 1000} s, once per revision. A timed-out migration can be retried; an outage cannot be undone.`,
    references: ["https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT"],
  },
  check(ctx) {
    const value = ctx.setting("lock_timeout");
    if (value === undefined || isDisabledTimeout(value)) return;
    const ms = timeoutMs(value);
    if (ms === undefined || ms <= MAX_MS) return;
    const lock = existingLocks(ctx.effects.locks).find((l) => blocksReadsOrWrites(l.mode));
    if (!lock || !ctx.firstTime(ctx.place.unit.key)) return;
    ctx.report({
      message: `lock_timeout is ${value.trim()}: while this statement waits for ${lock.mode} on ${lock.relation}, every query on ${lock.relation} can queue that long`,
      help: { text: "Use a few seconds and retry on timeout.", sql: "SET lock_timeout = '3s';" },
      locks: [lock],
    });
  },
});
