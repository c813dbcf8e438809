import { addedConstraints, existingLockOn, notValidAdvice, opTable, py } from "../src/lint/advice.js";
import type { RelationLock } from "../src/locks/effects.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "constraint-missing-not-valid",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT CHECK / FOREIGN KEY validates every row while holding the lock",
  docs: {
    why: "Adding a CHECK constraint takes ACCESS EXCLUSIVE (no reads, no writes) and a FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables (no writes), and both then read every existing row to validate them, holding the lock throughout. With `NOT VALID` the constraint is added instantly and enforced for new rows; `VALIDATE CONSTRAINT` later checks the old rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.",
    example: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);",
    useInstead:
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;",
    alembic:
      'op.create_foreign_key("orders_customer_id_fkey", "orders", "customers", ["customer_id"], ["id"], postgresql_not_valid=True)\n# in a later revision (or after a COMMIT):\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey")',
    notes:
      "VALIDATE in the same transaction as the NOT VALID gains nothing: the first lock is still held. Put it in the next revision, or behind autocommit_block(). Constraints on tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      const added = addedConstraints(op);
      if (!added) continue;
      // A column's inline REFERENCES needs no scan: the new column is all NULL.
      const validated = added.constraints.filter(
        (c) => !c.notValid && (c.kind === "check" || (op.op === "add-constraint" && (c.kind === "foreign-key" || c.kind === "not-null"))),
      );
      for (const constraint of validated) {
        const lock = existingLockOn(ctx.effects.locks, added.table);
        if (!lock?.scan) continue;
        const locks: RelationLock[] = [lock];
        const referenced = constraint.references ? existingLockOn(ctx.effects.locks, constraint.references) : undefined;
        if (referenced) locks.push(referenced);
        const name = constraint.name ?? `${added.table.name}_${constraint.columns.join("_")}_${constraint.kind === "foreign-key" ? "fkey" : "check"}`;
        const kind = constraint.kind === "foreign-key" ? "FOREIGN KEY" : constraint.kind === "not-null" ? "NOT NULL" : "CHECK";
        const blocked = lock.blocks.includes("reads") ? "reads and writes" : "writes";
        const t = added.table.written;
        ctx.report({
          message: `${kind} constraint ${name} validates every row of existing table ${t} while holding ${lock.mode}: ${blocked} wait${constraint.references ? ` (on ${constraint.references.written} too)` : ""}`,
          help:
            op.op === "add-constraint"
              ? {
                  text: "Add the constraint NOT VALID (instant, enforced for new rows), then VALIDATE it in a separate transaction, which does not block reads or writes.",
                  ...notValidAdvice(ctx.statement.sql, added.table, constraint, name),
                }
              : {
                  text: "Add the constraint NOT VALID (instant, enforced for new rows), then VALIDATE it in a separate transaction, which does not block reads or writes.",
                  sql: `ALTER TABLE ${t} ADD COLUMN ... ;  -- without the CHECK\nALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (...) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
                  alembic: `op.create_check_constraint(${py(name)}, ${opTable(added.table)}, "<condition>", postgresql_not_valid=True)\n# next revision:\nop.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`)})`,
                },
          at: constraint.location,
          locks,
        });
      }
    }
  },
});
