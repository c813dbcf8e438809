import { FAILURE_MARK } from "../src/sql/script.js";
import { defineRule } from "../src/lint/rule.js";

/** What `locklint alembic` prints into the SQL where a revision failed offline. */
interface OfflineFailure {
  direction: "upgrade" | "downgrade";
  revision: string;
  file: string | null;
  line: number | null;
  error: string;
  /** alembic could not go on: the revisions after this one are missing. */
  fatal?: boolean;
}

function readFailure(body: string): OfflineFailure | null {
  const at = body.indexOf(FAILURE_MARK);
  if (at < 0 || body.slice(0, at).trim() !== "") return null;
  try {
    const value: unknown = JSON.parse(body.slice(at + FAILURE_MARK.length));
    return typeof value === "object" && value !== null && typeof (value as OfflineFailure).revision === "string" ? (value as OfflineFailure) : null;
  } catch {
    return null;
  }
}

const GUARD = `from alembic import context, op

def upgrade():
    op.add_column("users", sa.Column("score", sa.Integer()))
    if context.is_offline_mode():
        # no database offline: say it in SQL, set-based
        op.execute("UPDATE users SET score = 1 WHERE score IS NULL")
    else:
        conn = op.get_bind()
        for row in conn.execute(sa.text("SELECT id FROM users")).fetchall():
            ...`;

export default defineRule({
  id: "alembic-offline-failure",
  severity: "error",
  summary: "A revision alembic cannot render in offline mode (--sql), so its SQL goes unchecked",
  docs: {
    why: "`alembic upgrade --sql` runs every migration function without a database: `op.get_bind()` returns a connection that only prints what it is given, so code that reads rows gets nothing back and fails (`'NoneType' object has no attribute 'fetchall'`), and code that imports what is not installed fails too. `locklint alembic` runs each revision guarded: the failing revision is reported here, at the .py line that raised, and the statements it would have printed after that line are missing from the lint. A revision that cannot render offline also cannot be reviewed as SQL or run by a DBA from a script.",
    example: `-- Running upgrade 0006 -> 0007\n\nALTER TABLE users ADD COLUMN score integer;\n\n-- ${FAILURE_MARK} {"direction": "upgrade", "revision": "0007", "file": "migrations/versions/0007_backfill.py", "line": 18, "error": "AttributeError: 'NoneType' object has no attribute 'fetchall'"}`,
    useInstead: "-- Running upgrade 0006 -> 0007\n\nALTER TABLE users ADD COLUMN score integer;\n\nUPDATE users SET score = 1 WHERE score IS NULL;",
    alembic: GUARD,
    notes:
      "The comment it reads is printed by `locklint alembic` only; `alembic upgrade --sql | locklint` stops at alembic's own error instead. When alembic cannot get past the failure (a revision that exits the process, or an alembic without the step hook locklint uses), the revisions after it are not linted and the message says so. An error before any SQL (a revision file that does not import) is exit 2 with the file and line.",
    // the set-based UPDATE that replaces a row-by-row loop offline
    references: ["https://alembic.sqlalchemy.org/en/latest/offline.html", "https://www.postgresql.org/docs/current/sql-update.html"],
  },
  onComment(ctx) {
    const failure = readFailure(ctx.body);
    if (!failure) return;
    const where = failure.line !== null ? ` (line ${failure.line})` : "";
    const rest = failure.fatal
      ? "alembic stopped here: this revision's later statements and every revision after it are not linted"
      : "its statements after the failing line are not linted";
    ctx.report({
      message: `revision ${failure.revision}: ${failure.direction}()${where} fails in offline mode: ${failure.error}; ${rest}`,
      help: {
        text: "Offline there is no database: guard the part that reads data or needs a connection with `if context.is_offline_mode():` and print plain SQL there (op.execute), set-based; or move data fixes out of the migration.",
        alembic: GUARD,
      },
      ...(failure.file ? { migration: { file: failure.file, line: failure.line ?? 1, column: 1, call: null } } : {}),
    });
  },
});
