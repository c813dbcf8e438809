import { AUTOCOMMIT_NOTE, insertAfter, operationsOfKind, py } from "../src/lint/advice.js";
import { since } from "../src/locks/versions.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";

export default defineRule({
  id: "require-concurrent-reindex",
  severity: "error",
  durationHazard: true,
  summary: "REINDEX without CONCURRENTLY blocks writes to the table and every query that uses the index",
  docs: {
    why: "`REINDEX INDEX` and `REINDEX TABLE` take SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index they rebuild, so every query whose plan uses the index waits as well, for as long as the rebuild reads and sorts the table. From PostgreSQL 12, `REINDEX ... CONCURRENTLY` builds the new index beside the old one under SHARE UPDATE EXCLUSIVE and swaps them; it cannot run inside a transaction block.",
    example: "REINDEX INDEX ix_orders_customer_id;",
    useInstead: "REINDEX INDEX CONCURRENTLY ix_orders_customer_id;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("REINDEX INDEX CONCURRENTLY ix_orders_customer_id")',
    notes:
      "Before PostgreSQL 12 there is no CONCURRENTLY: build a replacement with CREATE INDEX CONCURRENTLY, drop the old index concurrently, then rename the new one (the rule says so with `--pg-version 11`). Indexes of tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "reindex")) {
      if (op.concurrent || !op.relation || (op.target !== "index" && op.target !== "table")) continue;
      const locks = existingLocks(ctx.effects.locks);
      if (locks.length === 0) continue;
      const what = `REINDEX ${op.target.toUpperCase()} ${op.relation.written}`;
      ctx.report({
        message: `${what} locks out writes to the table and queries that use the rebuilt index until the rebuild finishes`,
        help: since("reindexConcurrently", ctx.pgVersion)
          ? {
              text: `Rebuild concurrently, outside the transaction (${AUTOCOMMIT_NOTE}).`,
              sql: insertAfter(ctx.statement.sql, /^\s*REINDEX\s+(INDEX|TABLE)/i, "CONCURRENTLY") + ";",
              alembic: `with op.get_context().autocommit_block():\n    op.execute(${py(insertAfter(ctx.statement.sql, /^\s*REINDEX\s+(INDEX|TABLE)/i, "CONCURRENTLY"))})`,
            }
          : {
              text: "PostgreSQL 11 has no REINDEX CONCURRENTLY: create a replacement index concurrently, drop the old one concurrently, and rename the new one to the old name.",
              sql: "CREATE INDEX CONCURRENTLY <name>_new ON <table> (...);\nDROP INDEX CONCURRENTLY <name>;\nALTER INDEX <name>_new RENAME TO <name>;",
            },
        locks,
      });
    }
  },
});
