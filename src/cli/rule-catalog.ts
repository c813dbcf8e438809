import { RULES } from "../../rules/index.js";
import { analyze } from "../lint/analyze.js";
import type { Finding } from "../lint/findings.js";
import { describeLock } from "../report/describe.js";
import type { Rule } from "../lint/rule.js";
import { decodeSource } from "../sql/source.js";
import { TableSizes } from "../cost/estimate.js";
import type { StatsFile } from "../cost/stats.js";

/**
 * What the catalog says about a rule, shared by `locklint rules`, `locklint explain` and the
 * generated docs. Lock facts come from running the rule's own example, so they cannot drift.
 * The parser must be loaded (loadParser) first.
 */

/** The findings of a rule on its documented example (or on its safe way), with the table sizes the docs give. */
export function exampleFindings(rule: Rule, sql = rule.docs.example): Finding[] {
  const file = decodeSource("example.sql", new TextEncoder().encode(sql));
  const given = rule.docs.exampleSizes;
  const sizes = given ? new TableSizes(statsFor(given.tables)) : undefined;
  // every rule runs (unused-ignore needs the others), the rule's own findings are kept
  return analyze([file], {
    pgVersion: 14,
    rules: RULES,
    sizes,
    lockBudget: given?.maxLockMs === undefined ? undefined : { reads: given.maxLockMs, writes: given.maxLockMs },
  }).findings.filter((f) => f.rule === rule.id);
}

function statsFor(tables: NonNullable<Rule["docs"]["exampleSizes"]>["tables"]): StatsFile {
  return {
    format: "locklint-stats",
    version: 1,
    collectedAt: "2026-01-01T00:00:00.000Z",
    server: { version: "18", versionNum: 180000 },
    source: "documentation example",
    tables: tables.map((t) => ({
      schema: "public",
      name: t.name,
      kind: "table",
      reltuples: t.rows,
      liveTuples: t.rows,
      heapBytes: t.heapBytes,
      toastBytes: 0,
      totalBytes: t.totalBytes,
      indexes: [],
    })),
  };
}

/** The lock the example takes, in a few words: `SHARE (blocks writes, ddl), scan`. */
export function lockSummary(findings: readonly Finding[]): string {
  const seen = new Set<string>();
  for (const f of findings) {
    for (const lock of f.locks) {
      if (lock.new) continue;
      const work = lock.rewrite ? ", rewrite" : lock.scan ? ", scan" : "";
      seen.add(`${lock.mode} (${lock.blocks.length ? `blocks ${lock.blocks.join(", ")}` : "blocks no DML"})${work}`);
    }
  }
  return [...seen].join("; ") || "-";
}

/** A rule's documentation as Markdown: the docs/rules page and `locklint explain`. */
export function ruleDocumentation(rule: Rule): string {
  const d = rule.docs;
  const findings = exampleFindings(rule);
  const reported = findings
    .map((f) => [`${f.line}:${f.column}  ${f.severity}  ${f.message}`, ...f.locks.map((l) => `  lock: ${describeLock(l)}`)].join("\n"))
    .join("\n");
  const sections = [
    `# ${rule.id}`,
    `**Severity:** ${rule.severity}${rule.optional ? " (off by default: turn it on with `--rules all` or by naming it)" : ""}. ${rule.summary}.`,
    `**Lock:** ${lockSummary(findings)}`,
    `## Why it matters\n\n${d.why}`,
    `## Example\n\n\`\`\`sql\n${d.example}\n\`\`\``,
    `locklint reports:\n\n\`\`\`\n${reported}\n\`\`\``,
    `## Use instead\n\n\`\`\`sql\n${d.useInstead}\n\`\`\``,
    `## In an alembic migration\n\n\`\`\`python\n${d.alembic}\n\`\`\``,
  ];
  if (d.notes) sections.push(`## Notes\n\n${d.notes}`);
  if (d.references?.length) sections.push(`## References\n\n${d.references.map((r) => `- ${r}`).join("\n")}`);
  return sections.join("\n\n") + "\n";
}
