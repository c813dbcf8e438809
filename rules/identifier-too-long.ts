import { identifiersOf } from "../src/sql/parse-batch.js";
import { utf8Length } from "../src/sql/position.js";
import { defineRule } from "../src/lint/rule.js";

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers, with only a NOTICE. */
const MAX_BYTES = 63;

export default defineRule({
  id: "identifier-too-long",
  severity: "warning",
  summary: "A new name longer than 63 bytes: PostgreSQL silently truncates it",
  docs: {
    why: "PostgreSQL keeps the first 63 bytes of an identifier and drops the rest with only a NOTICE. The object then has a different name from the one in the migration and the models: a later `op.drop_constraint` or `op.drop_index` with the full name fails, and two long names with the same first 63 bytes collide. SQLAlchemy naming conventions produce such names for long table and column names.",
    example: "CREATE INDEX ix_customer_subscription_billing_events_processed_at_and_customer_id_and_region ON events (processed_at);",
    useInstead: "CREATE INDEX ix_billing_events_processed_customer ON events (processed_at);",
    alembic: 'op.create_index("ix_billing_events_processed_customer", "events", ["processed_at"])  # name it explicitly when the convention makes it too long',
    references: ["https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS"],
  },
  check(ctx) {
    // The parser has already cut long names down, so look at the statement as written; most have no long word at all.
    if (!hasLongWord(ctx.statement.sql)) return;
    for (const { name, at } of identifiersOf(ctx.statement.sql)) {
      const bytes = utf8Length(name, 0, name.length);
      if (bytes <= MAX_BYTES) continue;
      ctx.report({
        message: `"${name}" is ${bytes} bytes long: PostgreSQL truncates it to ${MAX_BYTES} bytes ("${truncate(name)}")`,
        help: {
          text: "Give the object a shorter explicit name (alembic: the name argument of op.create_index / op.create_foreign_key / ..., or a shorter naming convention).",
        },
        at,
        locks: [],
      });
    }
  },
});

/** A run of over 63 bytes between separators, which an identifier needs: only then is scanning worth it. */
function hasLongWord(sql: string): boolean {
  let run = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    // whitespace, ( ) , ; . end a word; quotes are part of a quoted identifier
    if (c <= 32 || c === 40 || c === 41 || c === 44 || c === 59 || c === 46) run = 0;
    else if ((run += c < 0x80 ? 1 : c < 0x800 ? 2 : 3) > MAX_BYTES) return true;
  }
  return false;
}

function truncate(name: string): string {
  let bytes = 0;
  let out = "";
  for (const ch of name) {
    const size = utf8Length(ch, 0, ch.length);
    if (bytes + size > MAX_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}
