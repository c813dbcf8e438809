import { blocksReadsOrWrites, conflicts, stronger, type LockMode } from "../src/locks/modes.js";
import { defineRule } from "../src/lint/rule.js";

/** The locks application sessions take: SELECT, SELECT ... FOR UPDATE / foreign key checks, INSERT/UPDATE/DELETE. */
const TRAFFIC: readonly LockMode[] = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE"];

export default defineRule({
  id: "lock-order",
  severity: "warning",
  summary:
    "A statement takes a stronger lock on a table while holding a lock on another that the transaction locked after it: the migration locks the two in both orders",
  docs: {
    why: "Deadlocks come from two transactions taking the same locks in opposite orders. A migration that locks `orders`, then `users`, then asks for a stronger lock on `orders` has locked the two in both orders: it waits for `orders` while holding `users`. A session that locked `orders` in a mode the first lock allowed (a read, say) and now wants `users` waits for the migration, which waits for it; PostgreSQL aborts one side after `deadlock_timeout`.",
    example:
      "BEGIN;\nCREATE INDEX ix_orders_user_id ON orders (user_id);\nALTER TABLE users ADD COLUMN last_order_id bigint;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    useInstead:
      "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX ix_orders_user_id ON orders (user_id);\nALTER TABLE users ADD COLUMN last_order_id bigint;\nCOMMIT;",
    alembic:
      '# take the strongest lock on each table first, in one order, or split the steps into separate revisions (transaction_per_migration=True):\nop.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")',
    notes:
      "Only a statement that takes a new or stronger lock can wait, so only it is reported: a statement whose locks the transaction already holds (a second ALTER on a table already locked ACCESS EXCLUSIVE, a foreign key between two tables already locked SHARE ROW EXCLUSIVE) does not fire, nor does a statement that locks a table for the first time, which follows the transaction's order. The held lock on the other table must block reads or writes (ROW EXCLUSIVE from an UPDATE queues no application session), and two tables first locked by one statement (a CREATE TABLE with foreign keys to both) have no order of the migration's choosing. Reported once per revision, at the first statement that breaks its order; the message lists the other tables held. The same statement usually also gets lock-upgrade (the same table locked twice); lock-order adds the second table, and the fix is the same. Relations created earlier in the same revision are exempt. A migration that takes ACCESS EXCLUSIVE on a child table and then on its parent (or the other way round), each once, locks them in one order and does not fire: either order can deadlock with ordinary application transactions on the pair (one that inserts a parent then its child, one that deletes the children then their parent; both shown on PostgreSQL 15 by test/integration/lock-order-deadlock.test.ts), so no order is safe and reordering fixes nothing: a short `lock_timeout` with a retry (require-lock-timeout) or separate transactions is the fix.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS"],
  },
  check(ctx) {
    // Locks taken by earlier locks of this statement on relations the transaction did not hold: locked after every held one.
    const takenHere: { relation: string; key: string; mode: LockMode }[] = [];
    for (const lock of ctx.effects.locks) {
      if (lock.novelty !== null) continue;
      const held = ctx.heldLocks.get(lock.key);
      if (!held) {
        if (blocksReadsOrWrites(lock.mode)) takenHere.push({ relation: lock.relation, key: lock.key, mode: lock.mode });
        continue;
      }
      // Only a new or stronger lock waits: a lock the transaction already holds cannot deadlock. And it waits for
      // application sessions only when it stops traffic the held one let through (reads, row locks, writes).
      if (stronger(held.mode, lock.mode) === held.mode || !TRAFFIC.some((t) => conflicts(lock.mode, t) && !conflicts(held.mode, t))) continue;
      // Relations the transaction locked after this one, still held: it now waits for this one while holding them.
      const later = [
        ...[...ctx.heldLocks.entries()]
          .filter(([key, other]) => key !== lock.key && other.order > held.order && other.line !== held.line && blocksReadsOrWrites(other.mode))
          .sort(([, a], [, b]) => a.order - b.order)
          .map(([key, other]) => ({ key, relation: other.relation, mode: other.mode, line: other.line })),
        ...takenHere.map((t) => ({ ...t, line: ctx.statement.startPos.line })),
      ];
      const other = later[0];
      // Once per revision (deploy unit), at the first statement that breaks its order: the fix (strongest locks first, in one order) is the revision's.
      if (!other || !ctx.firstTime(`${ctx.place.transaction}\u0000${ctx.place.unit.key}`)) continue;
      const rest = later.slice(1).map((o) => o.relation);
      const more = rest.length === 0 ? "" : ` (also ${rest.slice(0, 3).join(", ")}${rest.length > 3 ? ` and ${rest.length - 3} more` : ""})`;
      const where = other.line === ctx.statement.startPos.line ? "earlier in this statement" : `at ${ctx.where(other.line)}`;
      ctx.report({
        message: `this statement takes ${lock.mode} on ${lock.relation} (held ${held.mode} since ${ctx.where(held.line)}) while the transaction holds ${other.mode} on ${other.relation}, locked after ${lock.relation} ${where}${more}: the migration locks the two in both orders, so a session that locked ${lock.relation} then wants ${other.relation} can deadlock with it`,
        help: {
          text: `Take the strongest lock on ${lock.relation} first (run this step before the one at ${ctx.where(held.line)}, or LOCK TABLE ${lock.relation} IN ${lock.mode} MODE at the start), or split the steps into separate transactions.`,
        },
        locks: [lock],
      });
    }
  },
});
