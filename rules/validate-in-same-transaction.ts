import { operationsOfKind } from "../src/lint/advice.js";
import { relationKey } from "../src/schema/schema.js";
import { blocksReadsOrWrites } from "../src/locks/modes.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "validate-in-same-transaction",
  severity: "warning",
  durationHazard: true,
  summary: "VALIDATE CONSTRAINT in the transaction that added it NOT VALID: the strong lock is still held during the scan",
  docs: {
    why: "Adding a constraint `NOT VALID` and validating it later is the safe way because `VALIDATE CONSTRAINT` scans under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes. But locks last until COMMIT: in the same transaction, the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (FOREIGN KEY) taken by the `ADD CONSTRAINT ... NOT VALID` is still held while the VALIDATE reads the whole table, so nothing was gained. alembic puts every `op.*` call of a revision in one transaction.",
    example:
      "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;",
    useInstead:
      "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;",
    alembic:
      '# revision 1:\nop.create_check_constraint("orders_total_check", "orders", "total >= 0", postgresql_not_valid=True)\n# revision 2 (with transaction_per_migration=True in env.py, each revision commits on its own):\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check")',
    notes: "Within one revision, `with op.get_context().autocommit_block():` around the VALIDATE also works: it commits the ADD first.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "validate-constraint")) {
      const held = ctx.heldLocks.get(relationKey(op.table.schema, op.table.name));
      if (!held || !blocksReadsOrWrites(held.mode)) continue;
      ctx.report({
        message: `VALIDATE CONSTRAINT ${op.name} scans ${op.table.written} while the ${held.mode} lock taken at ${ctx.where(held.line)} is still held: ${held.mode === "ACCESS EXCLUSIVE" ? "reads and writes" : "writes"} wait for the whole scan`,
        help: {
          text: "Commit between the ADD ... NOT VALID and the VALIDATE: a later revision (transaction_per_migration=True), or autocommit_block() around the VALIDATE.",
        },
      });
    }
  },
});
