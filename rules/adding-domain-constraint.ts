import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "adding-domain-constraint",
  severity: "warning",
  summary: "CHECK constraints on domains: adding one checks every column of the domain under SHARE",
  docs: {
    why: "`ALTER DOMAIN ... ADD CONSTRAINT` checks every column of every table that uses the domain, holding a SHARE lock on each of those tables (writes wait) for the whole scan; locklint lists the tables it knows use the domain. Domain constraints are also hard to change later: a new or stricter rule touches all those tables at once. `CREATE DOMAIN ... CHECK` is where that coupling starts.",
    example: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0);",
    useInstead:
      "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID;\n-- and later, in its own transaction: ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive;",
    alembic:
      'op.execute("ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID")\n# later revision:\nop.execute("ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive")',
    notes:
      "Prefer CHECK constraints on the table columns themselves: they can be added NOT VALID and validated one table at a time. A domain created with a CHECK is reported as a warning for the same reason; a NOT VALID domain constraint is not reported.",
    references: ["https://www.postgresql.org/docs/current/sql-alterdomain.html", "https://www.postgresql.org/docs/current/sql-createdomain.html"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "domain-constraint" || op.notValid || op.action === "validate") continue;
      const tables = effect.locks.map((l) => l.relation);
      ctx.report({
        message:
          op.action === "create"
            ? `domain ${op.domain.written} has a CHECK constraint: changing it later checks every column of the domain at once`
            : `adding a constraint to domain ${op.domain.written} checks every column that uses it under SHARE${tables.length ? ` (${tables.join(", ")})` : " (the tables using it are not known from this script)"}`,
        help: { text: "Use CHECK constraints on table columns (NOT VALID, then VALIDATE), or add the domain constraint NOT VALID and validate it separately." },
      });
    }
  },
});
