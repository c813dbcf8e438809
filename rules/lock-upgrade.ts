import { blockedBy, blocksReadsOrWrites, stronger, type LockMode } from "../src/locks/modes.js";
import { parseTree } from "../src/sql/parse-batch.js";
import { defineRule, existingLocks, type RuleContext } from "../src/lint/rule.js";

export default defineRule({
  id: "lock-upgrade",
  severity: "warning",
  summary: "A transaction takes a weaker lock on a table, then a stronger one: a deadlock risk",
  docs: {
    why: "Holding a lock that blocks writes (SHARE for `CREATE INDEX`, SHARE ROW EXCLUSIVE for a foreign key) and then asking for a stronger one on the same table (ACCESS EXCLUSIVE for `ALTER TABLE`) makes the migration wait for every session that already holds a weaker lock on it, while sessions that want to write wait for the migration. A session that read the table earlier in its transaction and now wants to write it waits for the migration, which waits for it: PostgreSQL detects the deadlock after `deadlock_timeout` and aborts one of them, possibly the migration; until then both wait, and everything queued behind them.",
    example: "BEGIN;\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nCREATE INDEX ix_orders_total ON orders (total);\nCOMMIT;",
    alembic:
      '# the short ACCESS EXCLUSIVE step first, in a revision of its own (env.py: transaction_per_migration=True):\nop.add_column("orders", sa.Column("note", sa.Text()))\n# the next revision builds the index:\nop.create_index("ix_orders_total", "orders", ["total"])',
    notes:
      "The advice depends on what runs between the two locks. Taking the strongest lock first (`LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` where the weaker lock is taken now) removes the deadlock but holds ACCESS EXCLUSIVE over everything in between: before an index build, a foreign-key or CHECK validation, a rewrite or a backfill, reads of the table would wait for the whole of it. So the finding advises it only when nothing slow runs from the first lock to the stronger one; otherwise it advises running the short ACCESS EXCLUSIVE step in its own transaction (its own revision), before the slow ones, or a short `lock_timeout` on it and a retry. A first lock that blocks neither reads nor writes (VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE, say) queues no application session, and does not fire. Relations created earlier in the same revision are exempt; an upgrade across revisions that share a transaction is reported by revisions-share-transaction.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS", "https://www.postgresql.org/docs/current/sql-lock.html"],
  },
  check(ctx) {
    const trail = trailOf(ctx);
    const line = ctx.statement.startPos.line;
    for (const lock of ctx.effects.locks) {
      // Within the revision: upgrades across revisions deployed together are revisions-share-transaction's concern.
      if (lock.novelty !== null) continue;
      const held = ctx.heldLocks.get(lock.key);
      // A deadlock needs sessions queued behind the first lock: it must block their reads or writes.
      if (!held || !blocksReadsOrWrites(held.mode) || stronger(held.mode, lock.mode) === held.mode) continue;
      // Taking the strongest lock first moves it to the transaction's first lock on the table: what it blocks
      // that the first lock let through (reads, for ACCESS EXCLUSIVE after SHARE) then waits from there to here.
      const first = trail.firstLocked.get(lock.key) ?? { line: held.line, mode: held.mode };
      const since = Math.min(first.line, held.line);
      const longer = blockedBy(lock.mode).filter((b) => b !== "ddl" && !blockedBy(first.mode).includes(b));
      const slow = longer.length > 0 ? trail.slow.find((s) => s.line >= since && s.line < line) : undefined;
      const target = lockTarget(lock.relation);
      ctx.report({
        message: `${lock.relation} is locked ${held.mode} at ${ctx.where(held.line)}, then ${lock.mode} here in the same transaction and revision: sessions holding locks the first allows wait, and may deadlock with the migration`,
        help: slow
          ? {
              text: `Do not take ${lock.mode} at the start instead: ${longer.join(" and ")} of ${lock.relation} would then wait through the statement at ${ctx.where(slow.line)}, which ${slow.what}. Run this step in its own transaction, before the slow ones (a revision of its own, with transaction_per_migration=True), or set a short lock_timeout just before it and retry the migration when it times out.`,
              sql: `SET LOCAL lock_timeout = '2s';\n${ctx.statement.sql.trim()};`,
            }
          : {
              text: `Take the strongest lock first: LOCK TABLE ${target} IN ${lock.mode} MODE just before ${ctx.where(since)}; ${
                longer.length > 0
                  ? "nothing slow runs between there and here, so it is held only a little longer"
                  : `${first.mode} already blocks the same reads and writes from there`
              }. Or run the two steps in separate transactions.`,
              sql: `LOCK TABLE ${target} IN ${lock.mode} MODE;`,
              alembic: `op.execute(${JSON.stringify(`LOCK TABLE ${target} IN ${lock.mode} MODE`)})`,
            },
        locks: [lock],
      });
    }
    remember(trail, ctx, line);
  },
});

/** The table as LOCK TABLE takes it: quoted where its name is a keyword (`"group"`). */
function lockTarget(relation: string): string {
  try {
    parseTree(`LOCK TABLE ${relation}`);
    return relation;
  } catch {
    return relation
      .split(".")
      .map((part) => (part.startsWith('"') ? part : `"${part}"`))
      .join(".");
  }
}

/** What the open transaction (and revision) did so far: where each table was first locked, and the slow statements. */
interface Trail {
  firstLocked: Map<string, { line: number; mode: LockMode }>;
  slow: { line: number; what: string }[];
}

function trailOf(ctx: RuleContext): Trail {
  return ctx.unitState<Trail>(() => ({ firstLocked: new Map(), slow: [] }));
}

function remember(trail: Trail, ctx: RuleContext, line: number): void {
  if (ctx.place.transaction === null) return;
  const existing = existingLocks(ctx.effects.locks);
  for (const lock of existing) if (!trail.firstLocked.has(lock.key)) trail.firstLocked.set(lock.key, { line, mode: lock.mode });
  const slow = existing.find((l) => l.rewrite || l.scan);
  if (slow) trail.slow.push({ line, what: `${slow.rewrite ? "rewrites" : "reads all of"} ${slow.relation}${slow.why[0] ? ` (${slow.why[0]})` : ""}` });
  // What locklint does not model may be slow: never advise holding a strong lock over it.
  else if (!ctx.effects.analysed) trail.slow.push({ line, what: "runs, which locklint does not model (it may be slow)" });
}
