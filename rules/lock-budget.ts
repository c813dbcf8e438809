import { describeHold, formatDuration } from "../src/cost/estimate.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "lock-budget",
  severity: "error",
  summary: "With table sizes and --max-lock-ms: a table stays blocked for reads or writes longer than the budget",
  docs: {
    why: "A lock that blocks reads or writes is held from the statement that takes it until the transaction commits, so the outage it causes is that statement's work plus the work of every statement after it. With table sizes from `locklint stats` and `--max-lock-ms`, locklint estimates that time and reports every table that stays blocked longer than the team's budget, naming the work that makes it long.",
    example: "-- with --stats stats.json --max-lock-ms 2000, where orders is 5 GB:\nBEGIN;\nALTER TABLE orders ALTER COLUMN total TYPE bigint;\nCOMMIT;",
    useInstead:
      "-- expand and contract: a new column, backfilled in batches outside the migration\nBEGIN;\nALTER TABLE orders ADD COLUMN total_new bigint;\nCOMMIT;",
    alembic:
      'op.add_column("orders", sa.Column("total_new", sa.BigInteger(), nullable=True))\n# backfill in batches outside the migration, then switch and drop in later revisions',
    notes:
      "Needs table sizes (`--stats FILE` or `--db-url`) and a budget (`--max-lock-ms N`); without them the rule does nothing. Estimates come from throughput measured by `npm run calibrate` (docs/estimates.md).",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html"],
    exampleSizes: { tables: [{ name: "orders", heapBytes: 4e9, totalBytes: 5e9, rows: 40e6 }], maxLockMs: 2000 },
  },
  onLockEstimate(ctx) {
    const estimate = "qualitative" in ctx.lock.estimate ? null : ctx.lock.estimate;
    // a lock that blocks reads and writes answers to the tighter of the two budgets
    const budgets = (["reads", "writes"] as const)
      .filter((b) => ctx.lock.blocks.includes(b) && ctx.budget[b] !== undefined)
      .map((b) => ({ blocks: b, ms: ctx.budget[b]! }));
    const budget = budgets.sort((a, b) => a.ms - b.ms)[0];
    if (!budget || !estimate || estimate.highMs <= budget.ms) return;
    const blocked = ctx.lock.blocks.filter((b) => b !== "ddl").join(" and ");
    const responsible = ctx.responsible().map((r) => `${ctx.where(r.line)}: ${r.work}`);
    ctx.report({
      message: `${ctx.lock.mode} on ${ctx.lock.relation} blocks ${blocked} ${describeHold(estimate).replace(/^held /, "for an estimated ")}, over the ${formatDuration(budget.ms)} budget for ${budget.blocks}${responsible.length ? `; the work: ${responsible.join("; ")}` : ""}`,
      help: {
        text: "Do the slow work outside the lock (CONCURRENTLY, NOT VALID then VALIDATE, expand and contract, batches), or split the transaction so that the lock is released sooner.",
      },
      locks: [],
    });
  },
});
