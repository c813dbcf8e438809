import { AUTOCOMMIT_NOTE } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "concurrent-index-in-transaction",
  severity: "error",
  summary: "A CONCURRENTLY statement inside a transaction block fails at run time",
  docs: {
    why: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY` and `DETACH PARTITION ... CONCURRENTLY` commit their own internal transactions, so PostgreSQL refuses them inside BEGIN ... COMMIT with `cannot run inside a transaction block`. alembic wraps every migration in a transaction, so a plain `postgresql_concurrently=True` fails on deploy.",
    example: "BEGIN;\nCREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);\nCOMMIT;",
    useInstead: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);\nBEGIN;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_customer_id", "orders", ["customer_id"], postgresql_concurrently=True)',
    notes:
      "`autocommit_block()` prints `COMMIT;` before the block and `BEGIN;` after it in `--sql` output, which is what this rule sees. Setting `transaction_per_migration=False` does not help: the run is still one transaction.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
      "https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.migration.MigrationContext.autocommit_block",
    ],
  },
  check(ctx) {
    const reason = ctx.effects.nonTransactionalReason;
    if (!ctx.inTransactionBlock || !reason || !reason.includes("CONCURRENTLY")) return;
    ctx.report({
      message: `${reason} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails`,
      help: {
        text: `Run it outside the transaction: ${AUTOCOMMIT_NOTE}.`,
        sql: `COMMIT;\n${ctx.statement.sql};\nBEGIN;`,
        alembic: "with op.get_context().autocommit_block():\n    ...  # the op.* call with postgresql_concurrently=True",
      },
    });
  },
});
