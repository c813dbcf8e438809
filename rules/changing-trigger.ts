import { LOCK_TIMEOUT_SQL } from "../src/lint/advice.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";
import { isDisabledTimeout } from "../src/locks/session.js";

export default defineRule({
  id: "changing-trigger",
  severity: "warning",
  summary: "CREATE, DROP, ENABLE or DISABLE TRIGGER on an existing table without a lock_timeout: writes queue behind it",
  docs: {
    why: "`CREATE TRIGGER` and `ALTER TABLE ... ENABLE/DISABLE TRIGGER` take SHARE ROW EXCLUSIVE on the table, `DROP TRIGGER` takes ACCESS EXCLUSIVE: writes (and for DROP, reads) wait, first for every running query on the table and then until the migration's transaction commits. A new trigger also slows every later write, and a disabled one silently skips its work (audit rows, denormalised columns) for every write until it is enabled again.",
    example: "CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();",
    useInstead: "SET lock_timeout = '2s';\nCREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();",
    alembic:
      'op.execute("SET lock_timeout = \'2s\'")  # fail fast rather than queue writes\nop.execute("CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row()")\n# keep the revision short: the lock is held until it commits',
    notes:
      "The lock itself is short; the risk is waiting for it behind a long query (every write queues behind the waiting statement), and holding it while the rest of the transaction runs. With a lock_timeout set the rule is satisfied; keep trigger changes in a short revision of their own. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createtrigger.html",
      "https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "create-trigger" && op.op !== "drop-trigger" && op.op !== "enable-disable-trigger") continue;
      const locks = existingLocks(effect.locks);
      if (locks.length === 0 || !isDisabledTimeout(ctx.setting("lock_timeout"))) continue;
      const verb =
        op.op === "create-trigger" ? "creating a trigger on" : op.op === "drop-trigger" ? "dropping a trigger of" : "enabling or disabling a trigger of";
      ctx.report({
        message: `${verb} ${op.table.written} takes ${locks[0]!.mode} with no lock_timeout: if a long query holds the table, ${locks[0]!.blocks.filter((b) => b !== "ddl").join(" and ")} queue behind this statement`,
        help: {
          text: "Set a lock_timeout first, and keep the revision short: the lock is held until it commits.",
          sql: LOCK_TIMEOUT_SQL,
          alembic: "op.execute(\"SET lock_timeout = '2s'\")",
        },
        locks,
      });
    }
  },
});
