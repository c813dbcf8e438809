import { defineRule, type RuleContext } from "../src/lint/rule.js";
import type { ConstraintSpec, Operation } from "../src/sql/operations.js";

/** What running an unnamed CREATE INDEX or ADD CONSTRAINT again does: no error, a duplicate under a new name. */
const SECOND_COPY = "builds a second copy of this unnamed index under a new name (IF NOT EXISTS needs a name)";
const SECOND_CONSTRAINT = "adds a second copy of this unnamed constraint under a new name (name it, and drop it IF EXISTS first)";
const REPEATS = new Set([SECOND_COPY, SECOND_CONSTRAINT]);

/**
 * Why a statement that already ran fails when the migration is run again, or null when a re-run is
 * harmless (IF [NOT] EXISTS, OR REPLACE, or a form that can be repeated: VALIDATE, SET NOT NULL, ...).
 */
function rerunFailure(op: Operation, sql: string, ctx: RuleContext): string | null {
  switch (op.op) {
    case "create-table":
      return op.ifNotExists || op.temporary ? null : `table ${op.table.written} already exists`;
    case "create-table-as":
      return /\bTABLE\s+IF\s+NOT\s+EXISTS\b/i.test(sql) ? null : `table ${op.table.written} already exists`;
    case "create-index":
      if (op.ifNotExists) return null;
      if (!op.index) return SECOND_COPY;
      return `index ${op.index.written} already exists${op.concurrent ? " (possibly INVALID, from a failed CONCURRENTLY build)" : ""}`;
    case "create-view":
      return op.orReplace || /\bVIEW\s+IF\s+NOT\s+EXISTS\b/i.test(sql)
        ? null
        : `${op.materialized ? "materialized view" : "view"} ${op.view.written} already exists`;
    case "create-enum":
      return `type ${op.type.written} already exists`;
    case "add-column":
      return op.ifNotExists ? null : `column ${op.column.name} of ${op.table.written} already exists`;
    case "add-enum-value":
      return /\bADD\s+VALUE\s+IF\s+NOT\s+EXISTS\b/i.test(sql) ? null : `value '${op.value}' of ${op.type.written} already exists`;
    case "add-constraint":
      return addConstraintFailure(op.table.written, op.constraint, ctx);
    case "drop-relation":
      return guardedDrop(sql, /\bDROP\s+(?:MATERIALIZED\s+)?(?:TABLE|VIEW)\s+IF\s+EXISTS\b/gi, ctx, op.op)
        ? null
        : `${op.kind} ${op.relation.written} is already gone`;
    case "drop-index":
      return guardedDrop(sql, /\bDROP\s+INDEX\s+(?:CONCURRENTLY\s+)?IF\s+EXISTS\b/gi, ctx, op.op) ? null : `index ${op.index.written} is already gone`;
    case "drop-type":
      return guardedDrop(sql, /\bDROP\s+(?:TYPE|DOMAIN)\s+IF\s+EXISTS\b/gi, ctx, op.op) ? null : `type ${op.type.written} is already gone`;
    case "drop-column":
      return guardedDrop(sql, /\bDROP\s+(?:COLUMN\s+)?IF\s+EXISTS\b/gi, ctx, op.op) ? null : `column ${op.column} of ${op.table.written} is already gone`;
    case "drop-constraint":
      if (!guardedDrop(sql, /\bDROP\s+CONSTRAINT\s+IF\s+EXISTS\b/gi, ctx, op.op)) return `constraint ${op.name} of ${op.table.written} is already gone`;
      ctx.firstTime(droppedKey(ctx, op.table.written, op.name));
      return null;
    case "drop-trigger":
      return /\bDROP\s+TRIGGER\s+IF\s+EXISTS\b/i.test(sql) ? null : `the trigger on ${op.table.written} is already gone`;
    case "create-trigger":
      return op.replace ? null : `the trigger on ${op.table.written} already exists`;
    case "table-object":
      if (op.action === "create") return /\bOR\s+REPLACE\b/i.test(sql) ? null : `the ${op.object} on ${op.table.written} already exists`;
      return op.action === "drop" && !/\bIF\s+EXISTS\b/i.test(sql) ? `the ${op.object} on ${op.table.written} is already gone` : null;
    case "rename-table":
      return `${op.table.written} was already renamed to ${op.newName}`;
    case "rename-column":
      return `column ${op.column} of ${op.table.written} was already renamed to ${op.newName}`;
    case "rename-index":
      return `index ${op.index.written} was already renamed to ${op.newName}`;
    case "rename-constraint":
      return `constraint ${op.name} of ${op.table.written} was already renamed to ${op.newName}`;
    case "rename-enum-value":
      return `value '${op.from}' of ${op.type.written} was already renamed to '${op.to}'`;
    case "set-schema":
      return `${op.relation.written} was already moved to schema ${op.newSchema}`;
    case "attach-partition":
      return `${op.partition.written} is already a partition of ${op.table.written}`;
    case "detach-partition":
      return op.finalize ? null : `${op.partition.written} is already detached from ${op.table.written}`;
    case "drop-schema":
      return /\bDROP\s+SCHEMA\s+IF\s+EXISTS\b/i.test(sql) ? null : `schema ${op.schema} is already gone`;
    case "rename-schema":
      return `schema ${op.schema} was already renamed to ${op.newName}`;
    case "no-table-lock":
      return otherObjectFailure(op.what, sql);
    case "unknown":
      // what locklint does not model still fails a second run when it creates or drops something
      return op.failure === undefined ? otherObjectFailure(op.what, sql) : null;
    case "drop-database":
    case "alter-column-type":
    case "set-not-null":
    case "drop-not-null":
    case "set-default":
    case "drop-default":
    case "validate-constraint":
    case "reindex":
    case "truncate":
    case "update":
    case "delete":
    case "insert":
    case "select":
    case "vacuum":
    case "cluster":
    case "refresh-materialized-view":
    case "lock-table":
    case "attach-index":
    case "enable-disable-trigger":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "domain-constraint":
    case "alter-table-other":
    case "alter-sequence":
      // repeatable as they are (or data changes, which IF EXISTS cannot guard; dropping-database has its own rule)
      return null;
  }
}

/**
 * CREATE, DROP and RENAME of the objects that lock no table (functions, sequences, schemas, extensions,
 * composite types, domains, foreign tables, roles): every CREATE fails on a second run unless IF NOT
 * EXISTS or OR REPLACE (read in the statement's head, before any body), every DROP unless IF EXISTS.
 */
function otherObjectFailure(what: string, sql: string): string | null {
  const head = withoutComments(sql).split(/[($]/)[0]!;
  const object = what
    .replace(/^(CREATE|DROP|RENAME) /, "")
    .replace(/ \.\.\..*$/, "")
    .toLowerCase();
  if (what.startsWith("CREATE ")) return /\b(IF\s+NOT\s+EXISTS|OR\s+REPLACE)\b/i.test(head) ? null : `the ${object} already exists`;
  if (what.startsWith("DROP ")) return /\bIF\s+EXISTS\b/i.test(head) ? null : `the ${object} is already gone`;
  if (what.startsWith("RENAME ")) return `the ${object} was already renamed`;
  return null;
}

/**
 * Whether every operation of this kind in the statement carries its IF EXISTS: the statement has at
 * least as many guards as it has such operations (`DROP COLUMN IF EXISTS a, DROP COLUMN b` is not).
 */
function guardedDrop(sql: string, guard: RegExp, ctx: RuleContext, kind: Operation["op"]): boolean {
  const guards = withoutComments(sql).match(guard)?.length ?? 0;
  return guards >= ctx.effects.operations.filter((e) => e.operation.op === kind).length;
}

/** ADD CONSTRAINT is repeatable once after a DROP CONSTRAINT IF EXISTS of the same name earlier in the file. */
function addConstraintFailure(table: string, constraint: ConstraintSpec, ctx: RuleContext): string | null {
  const name = constraint.name;
  if (name === null) return constraint.kind === "primary-key" ? `${table} already has a primary key` : SECOND_CONSTRAINT;
  if (ctx.firstTime(droppedKey(ctx, table, name))) return `constraint ${name} of ${table} already exists`;
  // dropped before: this ADD is guarded, a second ADD of the same name is not
  return ctx.firstTime(`added|${droppedKey(ctx, table, name)}`) ? null : `constraint ${name} of ${table} already exists`;
}

function droppedKey(ctx: RuleContext, table: string, name: string): string {
  return `dropped|${ctx.statement.file.path}|${table}|${name}`;
}

/** The clause that makes the statement repeatable, where PostgreSQL has one. */
function guardOf(op: Operation): string | null {
  switch (op.op) {
    case "create-table":
    case "create-table-as":
    case "create-index":
    case "add-column":
    case "add-enum-value":
      return "IF NOT EXISTS";
    case "create-view":
      return op.materialized ? "IF NOT EXISTS" : "OR REPLACE";
    case "create-trigger":
      return "OR REPLACE";
    case "drop-relation":
    case "drop-index":
    case "drop-type":
    case "drop-column":
    case "drop-constraint":
    case "drop-trigger":
    case "drop-schema":
      return "IF EXISTS";
    case "no-table-lock":
    case "unknown":
      return op.what.startsWith("DROP ") ? "IF EXISTS" : op.what.startsWith("CREATE ") ? "IF NOT EXISTS (or OR REPLACE)" : null;
    default:
      return null;
  }
}

function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
}

export default defineRule({
  id: "prefer-robust-stmts",
  severity: "warning",
  summary: "A statement outside a transaction that fails when the migration is run again (CREATE or ADD without IF NOT EXISTS, DROP without IF EXISTS, RENAME)",
  docs: {
    why: "Outside a transaction block every statement commits on its own. When the migration fails part-way (a later statement, a lock_timeout, the migration tool's own bookkeeping after the file, a killed deploy), what ran stays applied, and the fix is to run the migration again: it then fails at the first statement that already did its work (`relation already exists`, `column does not exist`). A failed `CREATE INDEX CONCURRENTLY` even leaves an INVALID index under the name. Statements that can run twice (`IF NOT EXISTS`, `IF EXISTS`, `CREATE OR REPLACE`, VALIDATE CONSTRAINT, SET NOT NULL, type changes) are fine, as is everything inside BEGIN ... COMMIT, which a failure rolls back.",
    example: "CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);\nALTER TABLE orders ADD COLUMN note text;",
    useInstead: "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_created_at ON orders (created_at);\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;",
    alembic:
      'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_created_at", "orders", ["created_at"], postgresql_concurrently=True, if_not_exists=True)',
    notes:
      "Fires only outside a transaction block: in alembic (which wraps each migration in a transaction) that is the statements of `autocommit_block()`; for a plain SQL file, every statement unless the file has BEGIN ... COMMIT or `--assume-in-transaction` says the tool wraps it in one. ADD CONSTRAINT counts as guarded after a `DROP CONSTRAINT IF EXISTS` of the same name earlier in the file. CREATE TYPE, RENAME and ATTACH/DETACH PARTITION have no IF [NOT] EXISTS: run them in a transaction (or a DO block that checks the catalog). `if_not_exists=` needs alembic 1.12 or later; with older ones use op.execute.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
      "https://www.postgresql.org/docs/current/sql-altertable.html",
    ],
  },
  check(ctx) {
    if (ctx.inTransactionBlock) return;
    const sql = ctx.statement.sql;
    for (const { operation } of ctx.effects.operations) {
      const failure = rerunFailure(operation, sql, ctx);
      if (!failure) continue;
      const guard = guardOf(operation);
      ctx.report({
        message: `outside a transaction${guard ? ` and without ${guard}` : ""}: if the migration fails after this statement, running it again ${REPEATS.has(failure) ? failure : `fails here because ${failure}`}`,
        help: {
          text: guard
            ? `Add ${guard} so the step can run twice, or run the statements in one transaction (BEGIN ... COMMIT) where that is allowed.`
            : operation.op === "add-constraint"
              ? "ADD CONSTRAINT has no IF NOT EXISTS: drop the constraint with DROP CONSTRAINT IF EXISTS just before it, or run the statements in one transaction (BEGIN ... COMMIT)."
              : "This form has no IF [NOT] EXISTS: run it in a transaction with the statements after it (BEGIN ... COMMIT), or guard it with a DO block that checks the catalog.",
        },
        locks: [],
      });
      return; // one finding per statement
    }
  },
});
