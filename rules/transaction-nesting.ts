import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "transaction-nesting",
  severity: "error",
  summary: "BEGIN inside a transaction, or COMMIT / ROLLBACK outside one",
  docs: {
    why: 'PostgreSQL has no nested transactions: a `BEGIN` inside an open transaction is ignored with a warning, and the next `COMMIT` ends the outer transaction early, so the statements after it run outside the transaction the author thought they were in (and alembic\'s own COMMIT then finds none). A `COMMIT` outside any transaction does nothing. Both usually come from `op.execute("BEGIN")` or `op.execute("COMMIT")` inside a migration that alembic already wraps in a transaction.',
    example: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nBEGIN;\nUPDATE users SET note = '';\nCOMMIT;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nSAVEPOINT backfill;\nUPDATE users SET note = '';\nRELEASE SAVEPOINT backfill;\nCOMMIT;",
    alembic: '# do not op.execute("BEGIN") / op.execute("COMMIT"); to leave the transaction use:\nwith op.get_context().autocommit_block():\n    ...',
    references: ["https://www.postgresql.org/docs/current/sql-begin.html", "https://www.postgresql.org/docs/current/sql-commit.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "transaction")) {
      if (op.kind === "begin" && ctx.place.transactionBefore !== null) {
        ctx.report({
          message: "BEGIN inside a transaction: PostgreSQL ignores it, and the next COMMIT ends the outer transaction",
          help: { text: "Remove it; use SAVEPOINT for a nested scope, or autocommit_block() to step out of alembic's transaction." },
        });
      } else if ((op.kind === "commit" || op.kind === "rollback") && !op.chain && ctx.place.transactionBefore === null) {
        ctx.report({
          message: `${op.kind.toUpperCase()} outside a transaction does nothing`,
          help: { text: "Remove it, or check which BEGIN it was meant to close." },
        });
      }
    }
  },
});
