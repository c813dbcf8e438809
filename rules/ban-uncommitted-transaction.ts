import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "ban-uncommitted-transaction",
  severity: "error",
  summary: "A transaction left open at the end of the file",
  docs: {
    why: "A file that ends after `BEGIN` without `COMMIT` leaves its transaction open: run through psql, the work is rolled back when the session ends; run by a tool that keeps the connection, every lock the transaction took stays held, blocking the tables it touched, until someone notices. alembic's `--sql` output always ends with COMMIT, so an open transaction points at a hand-edited or truncated script.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN note text;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
    alembic: '# alembic closes its transaction itself; check for an op.execute("BEGIN") without its COMMIT, or a truncated --sql output',
    references: ["https://www.postgresql.org/docs/current/sql-commit.html"],
  },
  onUnclosedTransaction(ctx) {
    ctx.report({
      message: "this transaction is still open at the end of the file: nothing commits it",
      help: { text: "End it with COMMIT (or ROLLBACK)." },
      locks: [],
    });
  },
});
