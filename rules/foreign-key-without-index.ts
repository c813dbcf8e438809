import type { ConstraintSpec, Operation } from "../src/sql/operations.js";
import { defineRule } from "../src/lint/rule.js";
import type { RelationName } from "../src/sql/ast.js";

export default defineRule({
  id: "foreign-key-without-index",
  severity: "warning",
  summary: "A foreign key whose columns no index covers: every delete or key update on the referenced table scans this one",
  docs: {
    why: "PostgreSQL indexes the referenced side of a foreign key (its primary key or unique constraint) but not the referencing columns. Without an index on them, every DELETE of a referenced row, and every update of its key, reads the whole referencing table to look for dependants, holding its locks meanwhile; ON DELETE CASCADE then also deletes by scanning. The cost grows with the referencing table and shows up far from the migration that caused it.",
    example: "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));",
    useInstead:
      "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\nCREATE INDEX ix_order_items_order_id ON order_items (order_id);",
    alembic:
      'op.create_table("order_items", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("order_id", sa.BigInteger(), sa.ForeignKey("orders.id")))\nop.create_index("ix_order_items_order_id", "order_items", ["order_id"])  # or index=True on the column',
    notes:
      "Checked at the end of the revision (or transaction), so an index created after the foreign key in the same revision counts. Tables that existed before the script are checked only when the script shows their indexes. On an existing table, build the index CONCURRENTLY.",
    references: ["https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK"],
  },
  check(ctx) {
    for (const { operation } of ctx.effects.operations) {
      for (const fk of foreignKeys(operation)) {
        ctx.afterUnit(() => {
          if (ctx.indexCovers(fk.table, fk.columns) !== false) return;
          ctx.report({
            message: `no index on ${fk.table.written} (${fk.columns.join(", ")}): each DELETE from ${fk.references.written}, or key update, scans ${fk.table.written}`,
            help: {
              text: "Index the referencing columns (CONCURRENTLY on an existing table).",
              sql: `CREATE INDEX ix_${fk.table.name}_${fk.columns.join("_")} ON ${fk.table.written} (${fk.columns.join(", ")});`,
              alembic: `op.create_index("ix_${fk.table.name}_${fk.columns.join("_")}", "${fk.table.name}", [${fk.columns.map((c) => `"${c}"`).join(", ")}])`,
            },
            at: fk.location,
            locks: [],
          });
        });
      }
    }
  },
});

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
