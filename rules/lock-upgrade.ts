import { blocksReadsOrWrites, stronger } from "../src/locks/modes.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "lock-upgrade",
  severity: "warning",
  summary: "A transaction takes a weaker lock on a table, then a stronger one: a deadlock risk",
  docs: {
    why: "Holding a lock that blocks writes (SHARE for `CREATE INDEX`, SHARE ROW EXCLUSIVE for a foreign key) and then asking for a stronger one on the same table (ACCESS EXCLUSIVE for `ALTER TABLE`) makes the migration wait for every session that already holds a weaker lock on it, while sessions that want to write wait for the migration. A session that read the table earlier in its transaction and now wants to write it waits for the migration, which waits for it: PostgreSQL detects the deadlock after `deadlock_timeout` and aborts one of them, possibly the migration; until then both wait, and everything queued behind them.",
    example: "BEGIN;\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    useInstead:
      "BEGIN;\nLOCK TABLE orders IN ACCESS EXCLUSIVE MODE;\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    alembic: '# take the strongest lock first, or split the steps into separate revisions:\nop.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")',
    notes:
      "A first lock that blocks neither reads nor writes (VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE, say) queues no application session, and does not fire. Taking the strongest lock first trades the deadlock risk for a longer strong lock; splitting the steps into separate transactions (revisions with transaction_per_migration=True) avoids both. Relations created earlier in the same revision are exempt; an upgrade across revisions that share a transaction is reported by revisions-share-transaction.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS"],
  },
  check(ctx) {
    for (const lock of ctx.effects.locks) {
      // Within the revision: upgrades across revisions deployed together are revisions-share-transaction's concern.
      if (lock.novelty !== null) continue;
      const held = ctx.heldLocks.get(lock.key);
      // A deadlock needs sessions queued behind the first lock: it must block their reads or writes.
      if (!held || !blocksReadsOrWrites(held.mode) || stronger(held.mode, lock.mode) === held.mode) continue;
      ctx.report({
        message: `${lock.relation} is locked ${held.mode} at line ${held.line}, then ${lock.mode} here in the same transaction and revision: sessions holding locks the first allows wait, and may deadlock with the migration`,
        help: { text: "Take the strongest lock first (LOCK TABLE ... IN ACCESS EXCLUSIVE MODE at the start), or run the two steps in separate transactions." },
        locks: [lock],
      });
    }
  },
});
