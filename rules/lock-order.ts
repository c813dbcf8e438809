import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "lock-order",
  severity: "warning",
  summary: "A statement locks two tables in the opposite order from the one its transaction first locked them in",
  docs: {
    why: "Deadlocks come from two transactions taking the same locks in opposite orders. When one statement of a migration locks `orders` then `users` (a foreign key from orders to users) and another locks `users` then `orders`, the migration has no single lock order: whichever order the application's transactions use, some step of the migration runs against it, and PostgreSQL aborts one side after `deadlock_timeout`.",
    example:
      "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE users ADD CONSTRAINT users_last_order_fk FOREIGN KEY (last_order_id) REFERENCES orders (id) NOT VALID;\nCOMMIT;",
    useInstead:
      "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD CONSTRAINT users_last_order_fk FOREIGN KEY (last_order_id) REFERENCES orders (id) NOT VALID;\nCOMMIT;",
    alembic:
      '# one revision per direction (with transaction_per_migration=True), or lock both tables up front in one order:\nop.execute("LOCK TABLE orders, users IN SHARE ROW EXCLUSIVE MODE")',
    notes: "Relations created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS"],
  },
  check(ctx) {
    const mine = ctx.effects.locks.filter((l) => l.novelty === null && l.mode !== "ACCESS SHARE");
    for (let i = 0; i < mine.length; i++) {
      for (let j = i + 1; j < mine.length; j++) {
        const first = ctx.heldLocks.get(mine[i]!.key);
        const second = ctx.heldLocks.get(mine[j]!.key);
        // this statement takes i before j; the transaction took j before i
        if (!first || !second || second.order > first.order) continue;
        ctx.report({
          message: `this statement locks ${mine[i]!.relation} before ${mine[j]!.relation}, but the transaction locked ${mine[j]!.relation} first (line ${second.line}): with no single lock order, concurrent transactions can deadlock with the migration`,
          help: { text: "Lock the tables in one order throughout the transaction (LOCK TABLE a, b up front), or split the steps into separate transactions." },
          locks: [mine[i]!, mine[j]!],
        });
        return;
      }
    }
  },
});
