import {
  concurrentIndexAdvice,
  existingLockOn,
  partitionedIndexAdvice,
  insertAfter,
  opTable,
  operationsOfKind,
  py,
  pyList,
  AUTOCOMMIT_NOTE,
} from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-concurrent-index-creation",
  severity: "error",
  durationHazard: true,
  summary: "CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole build",
  docs: {
    why: "`CREATE INDEX` takes a SHARE lock on the table: reads go on, but every INSERT, UPDATE and DELETE waits until the index is built, which reads the whole table and sorts it. On a large table that is minutes of failed or queued writes. `CREATE INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE instead, which does not block writes; it reads the table twice and cannot run inside a transaction block.",
    example: "CREATE INDEX ix_orders_customer_id ON orders (customer_id);",
    useInstead: "CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_customer_id", "orders", ["customer_id"], postgresql_concurrently=True)',
    notes:
      "Tables created earlier in the same revision (or transaction, without revision markers) are exempt: nobody else can see them yet. A concurrent build that fails leaves an INVALID index behind: drop it and retry. Partitioned tables cannot be indexed concurrently: build the index on each partition concurrently, then `CREATE INDEX ... ON ONLY parent` and `ALTER INDEX ... ATTACH PARTITION`.",
    references: ["https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-index")) {
      if (op.concurrent) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const name = op.index?.name ?? `ix_${op.table.name}_${op.columns.join("_")}`;
      const partitioned = lock.kind === "partitioned table";
      const advice = partitioned ? null : concurrentIndexAdvice(ctx.statement.sql);
      ctx.report({
        message: `CREATE INDEX on existing table ${op.table.written} takes a SHARE lock: writes to ${op.table.written} wait until the whole index is built`,
        help: partitioned
          ? {
              text: `${op.table.written} is partitioned, and CONCURRENTLY does not work on a partitioned table: create the index on each partition with CONCURRENTLY, then create it ON ONLY the parent and attach each partition's index.`,
              sql:
                partitionedIndexAdvice(ctx.statement.sql) ??
                `CREATE INDEX ${name} ON ONLY ${op.table.written} (...);\n-- for each partition:\nCREATE INDEX CONCURRENTLY <partition_index> ON <partition> (...);\nALTER INDEX ${name} ATTACH PARTITION <partition_index>;`,
            }
          : {
              text: `Build the index with CONCURRENTLY, outside the transaction (${AUTOCOMMIT_NOTE}).`,
              sql: advice?.sql ?? insertAfter(ctx.statement.sql, /^\s*CREATE\s+(UNIQUE\s+)?INDEX/i, "CONCURRENTLY") + ";",
              alembic:
                advice?.alembic ??
                `with op.get_context().autocommit_block():\n    op.create_index(${py(name)}, ${opTable(op.table)}, ${pyList(op.columns)}${op.unique ? ", unique=True" : ""}, postgresql_concurrently=True)`,
            },
        locks: [lock],
      });
    }
  },
});
