import { existingLockOn, ident, opTable, py } from "../src/lint/advice.js";
import { since } from "../src/locks/versions.js";
import { defineRule } from "../src/lint/rule.js";
import { type ColumnType } from "../src/sql/ast.js";
import { saType, sqlType } from "../src/lint/type-names.js";

export default defineRule({
  id: "changing-column-type",
  severity: "error",
  durationHazard: true,
  summary: "ALTER COLUMN ... TYPE that rewrites the table under ACCESS EXCLUSIVE",
  docs: {
    why: "Changing a column's type takes ACCESS EXCLUSIVE and, unless the old type is binary-compatible with the new one, rewrites the whole table and rebuilds its indexes: nobody can read or write the table until it finishes. No rewrite: varchar(n) to varchar(m > n), to unconstrained varchar or to text; numeric(p,s) to numeric(q > p, s) or unconstrained numeric; cidr to inet; timestamp to timestamptz when the session time zone is UTC (PostgreSQL 12+). Everything else, including any USING clause, rewrites. locklint reads the old type from the statements before; when it cannot know it, it says so as a warning.",
    example: "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;",
    useInstead:
      "ALTER TABLE orders ADD COLUMN quantity_new bigint;\n-- backfill in batches, keep both in sync (trigger or application), then swap in a later revision",
    alembic:
      'op.add_column("orders", sa.Column("quantity_new", sa.BigInteger(), nullable=True))\n# backfill in batches and keep in sync; in a later revision switch the code and drop the old column',
    notes: "Widening varchar or moving to text is safe and does not fire. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "alter-column-type" || !effect.typeChange?.rewrite) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const verdict = effect.typeChange;
      const newColumn = `${op.column}_new`;
      const written = writtenTypeChange(ctx.statement.sql, op.location);
      const type = written?.type ?? (op.type ? sqlType(op.type) : "<new type>");
      const definition = written?.collate ? `${type} COLLATE ${written.collate}` : type;
      const value = written?.using ?? `${ident(op.column)}::${type}`;
      const t = op.table.written;
      const sa = op.type && !written?.collate ? saType(op.type) : null;
      ctx.report({
        message: verdict.certain
          ? `changing the type of ${t}.${op.column} rewrites the table under ACCESS EXCLUSIVE (reads and writes wait): ${verdict.reason}`
          : `changing the type of ${t}.${op.column} takes ACCESS EXCLUSIVE and may rewrite the table: ${verdict.reason}`,
        help: {
          text: `Expand and contract: add a new column of the new type, backfill it in batches while writes go to both, switch the code to it, then drop the old column in a later revision.${shortcut(verdict.from, op.type, ctx.pgVersion)}`,
          sql: `ALTER TABLE ${t} ADD COLUMN ${ident(newColumn)} ${definition};\n-- backfill in batches: UPDATE ${t} SET ${ident(newColumn)} = ${value} WHERE id BETWEEN ... ;`,
          alembic: `${
            sa
              ? `op.add_column(${opTable(op.table)}, sa.Column(${py(newColumn)}, ${sa}, nullable=True))`
              : `op.execute(${py(`ALTER TABLE ${t} ADD COLUMN ${ident(newColumn)} ${definition}`)})`
          }\n# backfill in batches, switch the code, then in a later revision:\n# op.drop_column(${opTable(op.table)}, ${py(op.column)}); op.alter_column(..., new_column_name=${py(op.column)})`,
        },
        at: op.location,
        severity: verdict.certain ? "error" : "warning",
        locks: [lock],
      });
    }
  },
});

/** A cheaper way when the change is one PostgreSQL can make without a rewrite. */
function shortcut(from: ColumnType | null, to: ColumnType | null, pgVersion: number): string {
  const names = [from?.name, to?.name];
  if (since("timestampTzUtcWithoutRewrite", pgVersion) && names.includes("timestamp") && names.includes("timestamptz")) {
    return " Or run `SET LOCAL timezone = 'UTC'` first: from PostgreSQL 12 the change then keeps the stored values and does not rewrite.";
  }
  const strings = ["varchar", "text", "bpchar"];
  if (from && to && strings.includes(from.name) && strings.includes(to.name)) {
    return " To change a length limit: widening varchar, or moving to text, does not rewrite; enforce a shorter limit with a CHECK constraint added NOT VALID, then validated.";
  }
  return "";
}

/**
 * The new type as the statement wrote it (`VARCHAR(255)`, `numeric(10, 2)`, `text[]`, `timestamp with time zone`), and its USING
 * expression, read from the SQL after the column's position (a byte offset, as libpg-query gives it).
 */
export function writtenTypeChange(sql: string, location: number): { type: string; collate: string | null; using: string | null } | null {
  const rest = Buffer.from(sql, "utf8").subarray(location).toString("utf8");
  const keyword = /^\s*(?:"(?:[^"]|"")*"|[^\s"]+)\s+(?:SET\s+DATA\s+)?TYPE\s+/i.exec(rest);
  if (!keyword) return null;
  const tail = rest.slice(keyword[0].length);
  const type = clause(tail, /^(?:USING|COLLATE)\b/i);
  if (!type.text) return null;
  const after = tail.slice(type.end);
  const collate = /^COLLATE\s+((?:"(?:[^"]|"")*"|[^\s,;"]+)(?:\.(?:"(?:[^"]|"")*"|[^\s,;"]+))?)\s*/i.exec(after);
  const usingPart = after.slice(collate ? collate[0].length : 0);
  const using = /^USING\s+/i.exec(usingPart);
  return { type: type.text, collate: collate?.[1] ?? null, using: using ? clause(usingPart.slice(using[0].length), null).text || null : null };
}

/** Text up to a top-level comma, semicolon, the end, or (at a word start outside brackets and quotes) the stop word. */
function clause(text: string, stop: RegExp | null): { text: string; end: number } {
  let depth = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close;
      continue;
    }
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && (c === "," || c === ";")) break;
    else if (depth === 0 && stop && /\s/.test(text[i - 1] ?? " ") && stop.test(text.slice(i))) break;
  }
  return { text: text.slice(0, i).trim(), end: i };
}
