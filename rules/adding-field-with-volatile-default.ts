import { columnAsWritten, existingLockOn, opTable, py } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";
import { formatType } from "../src/sql/ast.js";

export default defineRule({
  id: "adding-field-with-volatile-default",
  severity: "error",
  durationHazard: true,
  summary: "ADD COLUMN whose value is computed per row rewrites the table under ACCESS EXCLUSIVE",
  docs: {
    why: "Since PostgreSQL 11, `ADD COLUMN ... DEFAULT <constant or stable expression>` is instant: the value is computed once and kept in the catalog. A volatile default (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`), a serial or identity column, or a stored generated column must be computed for every existing row: PostgreSQL rewrites the whole table and its indexes while holding ACCESS EXCLUSIVE, so reads and writes wait for the rewrite. Before PostgreSQL 11 every non-null default rewrites.",
    example: "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();",
    useInstead: "ALTER TABLE orders ADD COLUMN public_id uuid;\nALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();",
    alembic:
      'op.add_column("orders", sa.Column("public_id", sa.Uuid(), nullable=True))\nop.alter_column("orders", "public_id", server_default=sa.text("gen_random_uuid()"))\n# then backfill existing rows in batches, in a later revision or a script',
    notes:
      "SET DEFAULT on an existing column never rewrites: it applies to future rows only. `now()` and `CURRENT_TIMESTAMP` are stable, not volatile: they do not rewrite. A default calling a function locklint does not know is reported as a warning.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES",
      "https://www.postgresql.org/docs/current/xfunc-volatility.html",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "add-column") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.rewrite) continue;
      const certain = !effect.perRowDefault || effect.perRowDefault.unknown.length === 0 || effect.perRowDefault.volatile.length > 0;
      const sequenceBacked = op.column.serial || op.column.identity;
      const written = columnAsWritten(ctx.statement.sql, op.column.location);
      const expression = written.default;
      const type = written.type ?? (op.column.type ? formatType(op.column.type) : "<type>");
      ctx.report({
        message: `adding column ${op.column.name} rewrites existing table ${op.table.written} under ACCESS EXCLUSIVE (reads and writes wait): ${lock.why.join("; ")}`,
        help: sequenceBacked
          ? {
              text: "Add a plain nullable column, attach a sequence as its default (SET DEFAULT does not rewrite), backfill existing rows in batches, then add NOT NULL the safe way.",
              sql: `ALTER TABLE ${op.table.written} ADD COLUMN ${op.column.name} bigint;\nCREATE SEQUENCE ${op.table.name}_${op.column.name}_seq OWNED BY ${op.table.written}.${op.column.name};\nALTER TABLE ${op.table.written} ALTER COLUMN ${op.column.name} SET DEFAULT nextval('${op.table.name}_${op.column.name}_seq');`,
              alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(op.column.name)}, sa.BigInteger(), nullable=True))\nop.execute("CREATE SEQUENCE ${op.table.name}_${op.column.name}_seq OWNED BY ${op.table.name}.${op.column.name}")\nop.alter_column(${opTable(op.table)}, ${py(op.column.name)}, server_default=sa.text("nextval('${op.table.name}_${op.column.name}_seq')"))`,
            }
          : {
              text: "Add the column without the default, then set the default (future rows only), then backfill existing rows in batches.",
              sql: `ALTER TABLE ${op.table.written} ADD COLUMN ${op.column.name} ${type};\nALTER TABLE ${op.table.written} ALTER COLUMN ${op.column.name} SET DEFAULT ${expression ?? "<expression>"};`,
              alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(op.column.name)}, ..., nullable=True))\nop.alter_column(${opTable(op.table)}, ${py(op.column.name)}, server_default=sa.text(${py(expression ?? "<expression>")}))`,
            },
        at: op.column.location,
        severity: certain ? "error" : "warning",
        locks: [lock],
      });
    }
  },
});
