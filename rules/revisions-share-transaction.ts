import { blocksReadsOrWrites } from "../src/locks/modes.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "revisions-share-transaction",
  severity: "warning",
  summary: "Several alembic revisions in one transaction: the first revision's locks are held through all the others",
  docs: {
    why: "By default alembic runs every pending revision of an `upgrade` in one transaction, and locks last until COMMIT: an ACCESS EXCLUSIVE taken by the first revision keeps its table unreadable while every later revision runs, index builds and backfills included. `transaction_per_migration=True` in env.py's `context.configure(...)` commits after each revision, so each lock lasts only as long as its own revision.",
    example:
      "BEGIN;\n-- Running upgrade a1 -> b2\nALTER TABLE users ADD COLUMN nickname text;\n-- Running upgrade b2 -> c3\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_total ON orders (total);\nCOMMIT;",
    useInstead:
      "BEGIN;\n-- Running upgrade a1 -> b2\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nBEGIN;\n-- Running upgrade b2 -> c3\nCREATE INDEX ix_orders_total ON orders (total);\nCOMMIT;",
    alembic: "# env.py\ncontext.configure(\n    ...,\n    transaction_per_migration=True,\n)",
    notes:
      "Reported once per transaction, at the first statement of the later revision that runs under the earlier lock (a `SET` of a session setting is skipped; a revision that opens with `COMMIT`, as `autocommit_block()` does, releases the lock first and does not fire); the message names the `-- Running upgrade` boundary and its line (with the migration files, `locklint alembic` or `--alembic-dir`: the `def upgrade` line of the later revision's file, and the .py line and `op.*` call of the statement that took the lock). When a history is linted whole (a fresh database), tables created in the same transaction are exempt, so this concerns tables that existed before it, as in `alembic upgrade <from>:<to> --sql` output.",
    references: [
      "https://www.postgresql.org/docs/current/explicit-locking.html",
      "https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.environment.EnvironmentContext.configure.params.transaction_per_migration",
    ],
  },
  check(ctx) {
    const place = ctx.place.revision;
    const revision = place?.id ?? null;
    if (ctx.place.transaction === null || revision === null) return;
    // The hazard starts with the later revision's first statement that runs under the earlier lock: a COMMIT or
    // ROLLBACK (an autocommit_block() opening the revision) releases it first, and a session setting takes no time.
    if (ctx.effects.operations.some(({ operation: o }) => o.op === "set" || (o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback")))) return;
    const earlier = [...ctx.transactionLocks.values()].find((h) => h.revision !== null && h.revision !== revision && blocksReadsOrWrites(h.mode));
    if (!earlier || !ctx.firstTime(String(ctx.place.transaction))) return;
    const marker = `Running ${place!.direction === "stamp" ? "stamp_revision" : place!.direction} ${place!.from ?? "base"} -> ${place!.id ?? "base"}`;
    ctx.report({
      message: `revision ${revision} runs in the same transaction as revision ${earlier.revision}, which took ${earlier.mode} on ${earlier.relation} at ${ctx.where(earlier.line)}: that lock is held from the boundary at ${ctx.where(place!.line)} (${marker}) through this and every later revision until COMMIT`,
      help: { text: "Set transaction_per_migration=True in env.py's context.configure() so that each revision commits on its own." },
      locks: [],
    });
  },
});
