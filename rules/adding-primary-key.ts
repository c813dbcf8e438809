import { addedConstraints, AUTOCOMMIT_NOTE, existingLockOn, opTable, py, pyList } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "adding-primary-key",
  severity: "error",
  durationHazard: true,
  summary: "ADD PRIMARY KEY builds its index (and checks NOT NULL) under ACCESS EXCLUSIVE",
  docs: {
    why: "`ADD PRIMARY KEY` (alembic's `op.create_primary_key`) builds a unique index and makes its columns NOT NULL while holding ACCESS EXCLUSIVE: no reads, no writes until the table has been read, sorted and checked. Build the unique index concurrently first, make the columns NOT NULL the safe way, then attach the index with `ADD CONSTRAINT ... PRIMARY KEY USING INDEX`, which is instant.",
    example: "ALTER TABLE events ADD PRIMARY KEY (id);",
    useInstead:
      "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\nALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;\nALTER TABLE events ALTER COLUMN id SET NOT NULL;\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    alembic:
      'with op.get_context().autocommit_block():\n    op.create_index("events_pkey", "events", ["id"], unique=True, postgresql_concurrently=True)\n# make id NOT NULL the safe way (see setting-not-null), then:\nop.execute("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey")',
    notes:
      "With USING INDEX on columns that may hold NULLs, PostgreSQL still scans the table for NULLs under ACCESS EXCLUSIVE: reported as a warning. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      const constraint = added?.constraints.find((c) => c.kind === "primary-key");
      if (!added || !constraint) continue;
      const op = added;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const t = op.table.written;
      const name = constraint.name ?? `${op.table.name}_pkey`;
      if (constraint.usingIndex) {
        if (!lock.scan) continue;
        ctx.report({
          message: `PRIMARY KEY USING INDEX on ${t}: the key columns are not known to be NOT NULL, so PostgreSQL scans the table for NULLs under ACCESS EXCLUSIVE`,
          help: {
            text: "Make the key columns NOT NULL first, the safe way (CHECK ... NOT VALID, VALIDATE, SET NOT NULL), then attach the index.",
          },
          severity: "warning",
          at: constraint.location,
          locks: [lock],
        });
        continue;
      }
      const columns = constraint.columns.length ? constraint.columns : effect.operation.op === "add-column" ? [effect.operation.column.name] : [];
      ctx.report({
        message: `PRIMARY KEY ${name} builds its index on existing table ${t} under ACCESS EXCLUSIVE: reads and writes wait for the build`,
        help: {
          text: `Build a unique index concurrently (${AUTOCOMMIT_NOTE}), make the columns NOT NULL without a long lock, then attach the index as the primary key.`,
          sql: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${t} (${columns.join(", ")});\n-- NOT NULL on ${columns.join(", ")} via CHECK ... NOT VALID + VALIDATE + SET NOT NULL\nALTER TABLE ${t} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name};`,
          alembic: `with op.get_context().autocommit_block():\n    op.create_index(${py(name)}, ${opTable(op.table)}, ${pyList(columns)}, unique=True, postgresql_concurrently=True)\nop.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name}`)})`,
        },
        at: constraint.location,
        locks: [lock],
      });
    }
  },
});
