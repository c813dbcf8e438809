import { AUTOCOMMIT_NOTE, insertAfter, operationsOfKind, py } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-concurrent-index-deletion",
  severity: "warning",
  summary: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table",
  docs: {
    why: "`DROP INDEX` takes ACCESS EXCLUSIVE on the table the index belongs to. The drop itself is quick, but it must first wait for every running query on the table to finish, and while it waits every new query on the table, reads included, queues behind it. `DROP INDEX CONCURRENTLY` waits for those queries without blocking anyone (SHARE UPDATE EXCLUSIVE); it cannot run inside a transaction block.",
    example: "DROP INDEX ix_orders_customer_id;",
    useInstead: "DROP INDEX CONCURRENTLY ix_orders_customer_id;",
    alembic: 'with op.get_context().autocommit_block():\n    op.drop_index("ix_orders_customer_id", table_name="orders", postgresql_concurrently=True)',
    notes: "Indexes created earlier in the same revision are exempt. An index that backs a constraint cannot be dropped this way: drop the constraint.",
    references: ["https://www.postgresql.org/docs/current/sql-dropindex.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "drop-index")) {
      if (op.concurrent) continue;
      const locks = ctx.effects.operations.find((e) => e.operation === op)?.locks ?? [];
      if (locks.length === 0 || locks.some((l) => l.novelty !== null)) continue;
      const table = locks.find((l) => l.kind !== "index");
      const on = table ? ` on table ${table.relation}` : " on its table";
      ctx.report({
        message: `DROP INDEX ${op.index.written} takes ACCESS EXCLUSIVE${on}: it waits for running queries, and every query queues behind it`,
        help: {
          text: `Drop the index with CONCURRENTLY, outside the transaction (${AUTOCOMMIT_NOTE}).`,
          sql: insertAfter(ctx.statement.sql, /^\s*DROP\s+INDEX/i, "CONCURRENTLY") + ";",
          alembic: `with op.get_context().autocommit_block():\n    op.drop_index(${py(op.index.name)}${table ? `, table_name=${py(table.relation)}` : ""}, postgresql_concurrently=True)`,
        },
        locks,
      });
    }
  },
});
