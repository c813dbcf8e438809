import { defineRule } from "../src/lint/rule.js";

/**
 * CONCURRENTLY index statements, and what a re-run would hit without IF [NOT] EXISTS. Only they:
 * they must run outside a transaction (alembic's autocommit_block()); anything else can be put
 * inside one, which is the better fix.
 */
const GUARDABLE: Record<string, string> = {
  "create-index": "the index already exists (possibly INVALID, from a failed CONCURRENTLY build)",
  "drop-index": "the index is already gone",
};

export default defineRule({
  id: "prefer-robust-stmts",
  severity: "warning",
  summary: "CREATE or DROP INDEX CONCURRENTLY without IF [NOT] EXISTS: the migration cannot be re-run after a partial failure",
  docs: {
    why: "Statements that run outside a transaction block (above all `CREATE INDEX CONCURRENTLY` in alembic's `autocommit_block()`) are not rolled back when the migration fails later: a re-run then fails on what the first run left behind. A failed `CREATE INDEX CONCURRENTLY` even leaves an INVALID index with the same name. `IF NOT EXISTS` / `IF EXISTS` make the step repeatable (drop an INVALID index first).",
    example: "CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);",
    useInstead: "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_created_at ON orders (created_at);",
    alembic:
      'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_created_at", "orders", ["created_at"], postgresql_concurrently=True, if_not_exists=True)',
    notes:
      "Inside a transaction (alembic's default) a failure rolls everything back, so the rule does not fire there. Only CONCURRENTLY index statements are checked: they are the ones that cannot be put in a transaction. `if_not_exists=` needs alembic 1.12 or later; with older ones use op.execute.",
    references: ["https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY"],
  },
  check(ctx) {
    if (ctx.inTransactionBlock || /\bIF\s+(NOT\s+)?EXISTS\b/i.test(ctx.statement.sql)) return;
    const op = ctx.effects.operations.map((e) => e.operation).find((o) => (o.op === "create-index" || o.op === "drop-index") && o.concurrent);
    if (!op) return;
    ctx.report({
      message: `outside a transaction and without IF ${op.op.startsWith("drop") ? "" : "NOT "}EXISTS: if the migration fails after this statement, a re-run fails here because ${GUARDABLE[op.op]}`,
      help: { text: `Add IF ${op.op.startsWith("drop") ? "" : "NOT "}EXISTS so the step can run twice.` },
      locks: [],
    });
  },
});
