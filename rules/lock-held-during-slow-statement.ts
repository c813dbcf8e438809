import { blockedBy, blocksReadsOrWrites, type LockMode } from "../src/locks/modes.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";

export default defineRule({
  id: "lock-held-during-slow-statement",
  severity: "warning",
  durationHazard: true,
  summary: "A scan, rewrite or backfill runs while an earlier statement's read- or write-blocking lock is still held",
  docs: {
    why: "A lock is held until the transaction ends, not until its statement ends. When a statement that reads or rewrites a whole table (an index build, a validation, a type change, a backfill) runs after another statement of the same transaction took a lock that blocks reads or writes (an `ALTER TABLE`'s ACCESS EXCLUSIVE, say), that earlier table stays blocked for the whole slow statement, even if the slow statement is about another table. alembic runs all `op.*` calls of a revision in one transaction.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX ix_orders_created_at ON orders (created_at);\nCOMMIT;",
    useInstead: "BEGIN;\nCREATE INDEX ix_orders_created_at ON orders (created_at);\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;",
    alembic:
      '# do the slow work first (or in its own revision / autocommit_block()), the quick ACCESS EXCLUSIVE changes last:\nop.create_index("ix_orders_created_at", "orders", ["created_at"])\nop.add_column("users", sa.Column("nickname", sa.Text()))',
    notes:
      "Reported once per blocking lock, at the first slow statement that runs while it is held. The slow statement itself may have its own finding (require-concurrent-index-creation here).",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html"],
  },
  check(ctx) {
    const slow = existingLocks(ctx.effects.locks).find((l) => l.scan || l.rewrite);
    if (!slow) return;
    // A held lock the statement itself takes again at least as strongly adds no wait of its own.
    const own = new Map(ctx.effects.locks.map((l) => [l.key, l.mode]));
    const blocking = [...ctx.heldLocks]
      .filter(([key, h]) => blocksReadsOrWrites(h.mode) && !(own.has(key) && covers(own.get(key)!, h.mode)))
      .map(([, h]) => h)
      .sort((a, b) => a.line - b.line)[0];
    if (!blocking || !ctx.firstTime(`${ctx.place.unit.key}\u0000${blocking.relation}\u0000${blocking.line}`)) return;
    const what = slow.rewrite ? `rewrites ${slow.relation}` : `reads all of ${slow.relation}`;
    ctx.report({
      message: `this statement ${what} while ${blocking.mode} on ${blocking.relation}, taken at ${ctx.where(blocking.line)}, is still held: ${blocking.mode === "ACCESS EXCLUSIVE" ? "reads and writes" : "writes"} of ${blocking.relation} wait for it too`,
      help: {
        text: "Run the slow statement first, in its own transaction (a separate revision, or autocommit_block()), or move the blocking change after it.",
      },
      locks: [slow],
    });
  },
});

function covers(mode: LockMode, other: LockMode): boolean {
  const blocked = blockedBy(mode);
  return blockedBy(other).every((b) => blocked.includes(b));
}
