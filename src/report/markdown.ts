import type { Finding } from "../lint/findings.js";
import { describeHold } from "../cost/estimate.js";
import type { TransactionTimeline } from "../lint/timeline.js";
import { describeLock, describeMigration, describeRevision, firstExistingLock, visibleText } from "./describe.js";
import { joinLines, type Report } from "./stream.js";
import type { Summary } from "./text.js";

/** `--format markdown`: for a pull-request comment or $GITHUB_STEP_SUMMARY: findings per revision, then lock timelines. */
export function* formatMarkdown(findings: readonly Finding[], summary: Summary, timelines: readonly TransactionTimeline[]): Report {
  // a bidi override or control character in an identifier would hide or reorder what the page shows
  yield* joinLines(markdownLines(findings, summary, timelines), visibleText);
}

/** The lines of the comment, each written as it is laid out. */
function* markdownLines(findings: readonly Finding[], summary: Summary, timelines: readonly TransactionTimeline[]): Generator<string> {
  yield* [`## locklint: ${count(summary.errors, "error")}, ${count(summary.warnings, "warning")} in ${count(summary.statements, "statement")}`, ""];
  if (findings.length === 0) yield* ["No finding.", ""];
  const byRevision = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = describeRevision(f.revision) ?? "(no revision)";
    // appended in place: copying the list for each finding made a revision of n findings cost n² (80k statements: a minute)
    const list = byRevision.get(key);
    if (list) list.push(f);
    else byRevision.set(key, [f]);
  }
  for (const [revision, list] of byRevision) {
    yield* [`### Revision ${revision}`, "", "| | rule | where | finding | lock |", "| --- | --- | --- | --- | --- |"];
    for (const f of list) {
      const lock = firstExistingLock(f);
      yield `| ${f.severity === "error" ? "🔴 error" : "🟡 warning"} | \`${f.rule}\` | ${cell(f.migration ? `${describeMigration(f.migration)} (SQL ${f.file}:${f.line})` : `${f.file}:${f.line}`)} | ${cell(f.message)} | ${lock ? cell(describeLock(lock)) : ""} |`;
    }
    yield "";
    for (const f of list.filter((x) => x.help.sql || x.help.alembic)) {
      yield* [`<details><summary>${cell(`${f.rule} at line ${f.line}: the safe way`)}</summary>`, "", cell(f.help.text), ""];
      if (f.help.sql) yield* ["```sql", f.help.sql, "```", ""];
      if (f.help.alembic) yield* ["```python", f.help.alembic, "```", ""];
      yield* ["</details>", ""];
    }
  }
  const withLocks = timelines.filter((t) => t.locks.length > 0);
  if (withLocks.length > 0) {
    yield* ["### Lock timeline", "", "Locks on existing tables, held until their transaction ends.", ""];
    yield* ["| transaction | table | lock | blocks | taken | released | held |", "| --- | --- | --- | --- | --- | --- | --- |"];
    for (const t of withLocks) {
      for (const l of t.locks) {
        const held = l.estimate ? describeHold(l.estimate).replace(/^held /, "") : l.heldDuring ? count(l.heldDuring, "statement") : "-";
        yield `| ${t.id} (lines ${t.begin.line}-${t.end?.line ?? "end"}) | ${cell(l.relation)} | ${l.mode} | ${l.blocks.join(", ") || "-"} | line ${l.acquired.line} | ${l.released ? `line ${l.released.line}` : t.assumed ? "end of file" : "never"} | ${cell(held)} |`;
      }
    }
    yield "";
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Text for a table cell: pipes escaped, lines joined. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
