import type { RelationLock } from "../src/locks/effects.js";
import type { ConstraintSpec, Operation } from "../src/sql/operations.js";
import { defineRule } from "../src/lint/rule.js";
import type { RelationName } from "../src/sql/ast.js";
import { relationKey } from "../src/schema/schema.js";

export default defineRule({
  id: "foreign-key-without-index",
  severity: "warning",
  summary:
    "A foreign key added to an existing table with no index on its columns: from the deploy on, every delete or key update on the referenced table scans that table",
  docs: {
    why: "PostgreSQL indexes the referenced side of a foreign key (its primary key or unique constraint) but not the referencing columns. Without an index on them, every DELETE of a referenced row, and every update of its key, reads the whole referencing table to look for dependants, holding its locks meanwhile; ON DELETE CASCADE then also deletes by scanning. On a table that already holds data, that cost starts the moment the migration commits.",
    example:
      "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCOMMIT;\nBEGIN;\nALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    useInstead:
      "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCOMMIT;\nCREATE INDEX CONCURRENTLY ix_order_items_order_id ON order_items (order_id);\nBEGIN;\nALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    alembic:
      'with op.get_context().autocommit_block():\n    op.create_index("ix_order_items_order_id", "order_items", ["order_id"], postgresql_concurrently=True)\nop.create_foreign_key("order_items_order_id_fkey", "order_items", "orders", ["order_id"], ["id"], postgresql_not_valid=True)',
    notes:
      "What this rule is for: the hazard of an unindexed foreign key is at run time (deletes and key updates on the referenced table scan the referencing one, and ON DELETE CASCADE locks the rows it finds by scanning), not a lock the migration takes. It fires only where the migration adds the foreign key (ALTER TABLE ... ADD CONSTRAINT, or ADD COLUMN ... REFERENCES) to a table that existed before the revision, because there the table already has rows and the scans start at deploy; a foreign key on a table created in the same revision (an empty table) is a schema-design choice that this migration linter leaves alone. Reported once per foreign key, at the clause that creates it, and checked at the end of the revision (or transaction), so an index created after the foreign key in the same revision counts. Tables that existed before the script are checked only when the script shows their indexes (alembic histories do). Build the index CONCURRENTLY.",
    references: ["https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK"],
  },
  check(ctx) {
    for (const { operation } of ctx.effects.operations) {
      for (const fk of foreignKeys(operation)) {
        // a table created in this revision is empty: no scan is at stake when the migration commits
        if (!existedBefore(ctx.effects.locks, fk.table)) continue;
        ctx.afterUnit(() => {
          if (ctx.indexCovers(fk.table, fk.columns) !== false) return;
          ctx.report({
            message: `no index on ${fk.table.written} (${fk.columns.join(", ")}), an existing table: from this deploy on, each DELETE from ${fk.references.written}, or key update, scans ${fk.table.written}`,
            help: {
              text: "Index the referencing columns, CONCURRENTLY (outside the transaction).",
              sql: `CREATE INDEX CONCURRENTLY ix_${fk.table.name}_${fk.columns.join("_")} ON ${fk.table.written} (${fk.columns.join(", ")});`,
              alembic: `with op.get_context().autocommit_block():\n    op.create_index("ix_${fk.table.name}_${fk.columns.join("_")}", "${fk.table.name}", [${fk.columns.map((c) => `"${c}"`).join(", ")}], postgresql_concurrently=True)`,
            },
            at: fk.location,
            locks: [],
          });
        });
      }
    }
  },
});

/** Whether the statement locks `table` as a relation that existed before this deploy unit. */
function existedBefore(locks: readonly RelationLock[], table: RelationName): boolean {
  const key = relationKey(table.schema, table.name);
  return locks.some((l) => l.key === key && l.novelty === null);
}

interface ForeignKey {
  table: RelationName;
  columns: string[];
  references: RelationName;
  location: number;
}

function foreignKeys(op: Operation): ForeignKey[] {
  const found: ForeignKey[] = [];
  const add = (table: RelationName, column: string | null, spec: ConstraintSpec) => {
    if (spec.kind !== "foreign-key" || !spec.references) return;
    const columns = spec.columns.length ? spec.columns : column ? [column] : [];
    // a column's REFERENCES also appears among the table's constraints: keep one
    if (columns.length && !found.some((f) => f.location === spec.location))
      found.push({ table, columns, references: spec.references, location: spec.location });
  };
  if (op.op === "create-table") {
    for (const c of op.constraints) add(op.table, null, c);
    for (const column of op.columns) for (const c of column.constraints) add(op.table, column.name, c);
  } else if (op.op === "add-column") {
    for (const c of op.column.constraints) add(op.table, op.column.name, c);
  } else if (op.op === "add-constraint") {
    add(op.table, null, op.constraint);
  }
  return found;
}
