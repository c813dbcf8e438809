import { addedConstraints, AUTOCOMMIT_NOTE, existingLockOn, opTable, py, pyList } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "adding-unique-constraint",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT ... UNIQUE builds its index under ACCESS EXCLUSIVE",
  docs: {
    why: "`ADD CONSTRAINT ... UNIQUE` (alembic's `op.create_unique_constraint`) builds a unique index while holding ACCESS EXCLUSIVE on the table: no reads and no writes until the whole table is read and sorted. Build the index first with `CREATE UNIQUE INDEX CONCURRENTLY` (no write block), then attach it: `ADD CONSTRAINT ... UNIQUE USING INDEX` only takes the lock for an instant.",
    example: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    useInstead:
      "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    alembic:
      'with op.get_context().autocommit_block():\n    op.create_index("users_email_key", "users", ["email"], unique=True, postgresql_concurrently=True)\nop.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key")',
    notes:
      "A unique index alone already enforces uniqueness; the constraint is only needed as the target of a foreign key or of ON CONFLICT ON CONSTRAINT. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX",
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      if (!added) continue;
      for (const constraint of added.constraints) {
        if (constraint.kind !== "unique" || constraint.usingIndex) continue;
        const lock = existingLockOn(ctx.effects.locks, added.table);
        if (!lock) continue;
        const name = constraint.name ?? `${added.table.name}_${constraint.columns.join("_")}_key`;
        const t = added.table.written;
        ctx.report({
          message: `UNIQUE constraint ${name} builds its index on existing table ${t} under ACCESS EXCLUSIVE: reads and writes wait for the build`,
          help: {
            text: `Build the unique index concurrently (${AUTOCOMMIT_NOTE}), then attach it with USING INDEX.`,
            sql: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${t} (${constraint.columns.join(", ")});\nALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name};`,
            alembic: `with op.get_context().autocommit_block():\n    op.create_index(${py(name)}, ${opTable(added.table)}, ${pyList(constraint.columns)}, unique=True, postgresql_concurrently=True)\nop.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}`)})`,
          },
          at: constraint.location,
          locks: [lock],
        });
      }
    }
  },
});
