import type { Aspect, CaseResult } from "./harness.js";

/** The markdown summary of a truth report: per version and family, the misses, what differs between versions. */

export interface TruthReport {
  generated: string;
  versions: Record<string, string>;
  skipped: string[];
  aspects: Aspect[];
  coverage: { reached: string[]; missing: string[] };
  results: Record<string, CaseResult[]>;
}

const pct = (ok: number, total: number) => (total === 0 ? "-" : `${((100 * ok) / total).toFixed(1)}%`);

interface Tally {
  cases: number;
  graded: number;
  exact: number;
  facts: Record<Aspect, [number, number]>;
}

function tally(results: CaseResult[], aspects: Aspect[]): Tally {
  const t: Tally = { cases: results.length, graded: 0, exact: 0, facts: Object.fromEntries(aspects.map((a) => [a, [0, 0]])) as Tally["facts"] };
  for (const r of results) {
    if (!r.grade.graded) continue;
    t.graded++;
    if (r.grade.exact) t.exact++;
    for (const a of aspects) {
      t.facts[a][0] += r.grade.facts[a][0];
      t.facts[a][1] += r.grade.facts[a][1];
    }
  }
  return t;
}

function row(label: string, t: Tally, aspects: Aspect[]): string {
  return `| ${label} | ${t.graded}/${t.cases} | ${t.exact} (${pct(t.exact, t.graded)}) | ${aspects.map((a) => `${pct(...t.facts[a])} (${t.facts[a][1]})`).join(" | ")} |`;
}

const caseLabel = (r: CaseResult) => `\`${r.sql}\`${r.prep ? ` (after \`${r.prep}\`)` : ""}`;

/** PGlite outside a transaction block: one session, nothing to see the locks with. */
const UNOBSERVED = "outside a transaction (locks not observable)";

/** What a server did, in one line per relation: for comparing versions. */
function observedShape(r: CaseResult): string {
  const o = r.observation;
  if (o.status !== "ran") return `refused: ${(o.error ?? "").split("\n")[0]}`;
  if (o.locksSeen === "none" && !o.transactional) return UNOBSERVED;
  const rels = o.relations
    .filter((x) => x.kind !== "i" && x.kind !== "I")
    .map((x) => `${x.name} ${x.mode ?? "-"}${x.rewritten ? " rewrite" : ""}${x.scanned ? " scan" : ""}`)
    .sort();
  const types = Object.entries(o.typeLocks).map(([t, m]) => `type ${t} ${m}`);
  return [`${o.transactional ? "in transaction" : "outside a transaction"}`, ...rels, ...types].join("; ");
}

export function summarize(report: TruthReport): string {
  const aspects = report.aspects;
  const majors = Object.keys(report.results);
  const lines: string[] = [];
  lines.push(`# Truth harness: locklint's predictions against PostgreSQL`, "");
  lines.push(`Generated ${report.generated}. Servers: ${majors.map((m) => report.versions[m]).join(", ")}.`);
  for (const s of report.skipped) lines.push(`Skipped: ${s}.`);
  lines.push("");
  const header = `| | graded/cases | exact | ${aspects.join(" | ")} |`;
  const rule = `| --- | --- | --- | ${aspects.map(() => "---").join(" | ")} |`;
  lines.push("## Per version", "", "Facts: share right (number graded).", "", header, rule);
  for (const m of majors) lines.push(row(report.versions[m]!, tally(report.results[m]!, aspects), aspects));
  lines.push("");
  lines.push("## Per family", "");
  const families = [...new Set(Object.values(report.results).flatMap((rs) => rs.map((r) => r.family)))];
  for (const m of majors) {
    lines.push(`### ${report.versions[m]}`, "", header.replace("| |", "| family |"), rule);
    for (const f of families)
      lines.push(
        row(
          f,
          tally(
            report.results[m]!.filter((r) => r.family === f),
            aspects,
          ),
          aspects,
        ),
      );
    lines.push("");
  }
  lines.push("## Misses", "");
  for (const m of majors) {
    const misses = report.results[m]!.filter((r) => r.grade.graded && !r.grade.exact);
    lines.push(`### ${report.versions[m]}: ${misses.length}`, "");
    for (const r of misses) lines.push(`- [${r.family}] ${caseLabel(r)}: ${r.grade.differences.join("; ")}`);
    lines.push("");
  }
  lines.push("## Refused by the server (not graded)", "");
  for (const m of majors) {
    const refused = report.results[m]!.filter((r) => !r.grade.graded);
    lines.push(`### ${report.versions[m]}: ${refused.length}`, "");
    for (const r of refused) lines.push(`- ${caseLabel(r)}: ${(r.observation.error ?? "").split("\n")[0]}`);
    lines.push("");
  }
  lines.push("## What differs between versions (observed)", "");
  const first = report.results[majors[0]!] ?? [];
  for (const [i, r] of first.entries()) {
    const shapes = majors.map((m) => [m, report.results[m]![i] ? observedShape(report.results[m]![i]) : "-"] as const);
    if (new Set(shapes.map(([, s]) => s).filter((s) => s !== UNOBSERVED)).size > 1) {
      lines.push(`- ${caseLabel(r)}:`);
      for (const [m, s] of shapes) lines.push(`  - ${report.versions[m]}: ${s}`);
    }
  }
  lines.push("");
  lines.push("## Lock-facts rows the cases reach", "");
  lines.push(`${report.coverage.reached.length} of ${report.coverage.reached.length + report.coverage.missing.length} rows and roles of src/locks/facts.ts.`);
  if (report.coverage.missing.length) lines.push("", "Not reached:", "", ...report.coverage.missing.map((m) => `- ${m}`));
  lines.push("");
  return `${lines.join("\n")}\n`;
}
