import { AUTOCOMMIT_NOTE } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "transaction-incompatible-statement",
  severity: "error",
  summary: "A statement PostgreSQL refuses inside a transaction block (VACUUM, ALTER TYPE ... ADD VALUE before 12, REINDEX SCHEMA, ...)",
  docs: {
    why: "Some statements cannot run inside `BEGIN ... COMMIT`: `VACUUM`, `REINDEX SCHEMA/DATABASE/SYSTEM`, `CLUSTER` without a table, and before PostgreSQL 12 `ALTER TYPE ... ADD VALUE`. alembic runs each migration in a transaction, so the migration fails at that statement and everything before it in the transaction is rolled back. (CONCURRENTLY forms are reported by concurrent-index-in-transaction.)",
    example: "BEGIN;\nVACUUM ANALYZE orders;\nCOMMIT;",
    useInstead: "BEGIN;\nANALYZE orders;\nCOMMIT;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("VACUUM ANALYZE orders")',
    notes:
      "`ANALYZE` alone may run in a transaction. `ALTER TYPE ... ADD VALUE` may run in a transaction from PostgreSQL 12, but the new value cannot be used until it commits.",
    references: ["https://www.postgresql.org/docs/current/sql-vacuum.html", "https://www.postgresql.org/docs/current/sql-altertype.html"],
  },
  check(ctx) {
    const reason = ctx.effects.nonTransactionalReason;
    if (!ctx.inTransactionBlock || !reason || reason.includes("CONCURRENTLY")) return;
    ctx.report({
      message: `${reason} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails`,
      help: {
        text: `Run it outside the transaction: ${AUTOCOMMIT_NOTE}.`,
        sql: `COMMIT;\n${ctx.statement.sql};\nBEGIN;`,
        alembic: "with op.get_context().autocommit_block():\n    op.execute(...)",
      },
      locks: [],
    });
  },
});
