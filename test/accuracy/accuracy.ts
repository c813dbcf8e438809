import type { Finding } from "../../src/lint/findings.js";
import type { RunningServer } from "../support/servers.js";
import { lintHistory, statementOf, type History } from "./corpus.js";
import { JUDGES, type Judgement } from "./judges.js";
import { HistoryReplay, type Plan, type Replayed } from "./replay.js";
import { sampleFindings } from "./sample.js";

/** The measurement: per rule, findings on the corpus, a seeded sample, each sampled finding replayed and judged. */

export interface JudgedFinding {
  rule: string;
  file: string;
  line: number;
  sql: string;
  message: string;
  verdict: Judgement["verdict"];
  why: string;
  factNotes?: string[];
  /** How the copy was seeded, what failed before the statement. */
  seeded?: Record<string, number>;
  priorFailures?: { line: number; error: string }[];
}

export interface RuleResult {
  rule: string;
  claim: string;
  findings: number;
  sampled: number;
  replayable: number;
  truePositives: number;
  /** truePositives / replayable; null when nothing was replayable. */
  precision: number | null;
}

export interface AccuracyReport {
  pgVersion: string;
  seed: number;
  perRule: number;
  files: { name: string; statements: number; findings: number; failedInReplay: number; firstFailures: string[] }[];
  rules: RuleResult[];
  judged: JudgedFinding[];
}

export interface AccuracyOptions {
  files: string[];
  perRule: number;
  seed: number;
  server: RunningServer;
  /** Progress lines (stderr in the runner). */
  log?: (line: string) => void;
}

export async function measureAccuracy(options: AccuracyOptions): Promise<AccuracyReport> {
  const log = options.log ?? (() => undefined);
  const histories: History[] = [];
  for (const file of options.files) histories.push(await lintHistory(file));
  const samples = sampleFindings(histories, options.perRule, options.seed);
  const judged: JudgedFinding[] = [];
  const files: AccuracyReport["files"] = [];
  for (const [h, history] of histories.entries()) {
    const mine = [...samples.values()].flat().filter((s) => s.history === history);
    const plans: { finding: Finding; plan: Plan | null; problem?: string }[] = mine.map(({ finding }) => planFor(history, finding));
    const runnable = plans.filter((p) => p.plan !== null);
    log(`${history.name}: ${history.statements.length} statements, ${mine.length} sampled findings`);
    const replay = new HistoryReplay(options.server, history, `accuracy_${h}`);
    const results = await replay.run(runnable.map((p) => p.plan!));
    files.push({
      name: history.name,
      statements: history.statements.length,
      findings: history.findings.length,
      failedInReplay: replay.mainFailures.size,
      firstFailures: [...replay.mainFailures].slice(0, 5).map(([i, error]) => `line ${history.statements[i]!.line}: ${error}`),
    });
    for (const p of plans) {
      const at = runnable.indexOf(p);
      judged.push(judgeOne(history, p.finding, at < 0 ? null : results[at]!, p.problem));
    }
  }
  const version = (await options.server.session.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  const rules: RuleResult[] = [...samples.keys()].map((rule) => {
    const mine = judged.filter((j) => j.rule === rule);
    const replayable = mine.filter((j) => j.verdict !== "unreplayable").length;
    const truePositives = mine.filter((j) => j.verdict === "tp").length;
    return {
      rule,
      claim: JUDGES[rule]?.claim ?? "(no judge)",
      findings: histories.reduce((n, h) => n + h.findings.filter((f) => f.rule === rule).length, 0),
      sampled: mine.length,
      replayable,
      truePositives,
      precision: replayable === 0 ? null : truePositives / replayable,
    };
  });
  return { pgVersion: version, seed: options.seed, perRule: options.perRule, files, rules, judged };
}

function planFor(history: History, finding: Finding): { finding: Finding; plan: Plan | null; problem?: string } {
  const judge = JUDGES[finding.rule];
  const stmt = statementOf(history, finding);
  if (!judge) return { finding, plan: null, problem: `no judge for ${finding.rule}` };
  if (!stmt) return { finding, plan: null, problem: "statement not found" };
  try {
    const revisionStart = history.statements.find((s) => s.revisionLine === stmt.revisionLine)!.index;
    const plan: Plan = {
      startIndex: judge.start ? judge.start(finding, history, stmt.index) : revisionStart,
      flaggedIndex: stmt.index,
      claimed: judge.claimed(finding),
      attempts: judge.attempts ?? ["nulls", "empty"],
    };
    if (judge.acceptError) plan.acceptError = true;
    if (judge.rerun) plan.rerun = true;
    const atStart = judge.atStart?.(finding);
    if (atStart) plan.atStart = atStart;
    const after = judge.after?.(finding);
    if (after) plan.after = after;
    const afterRevision = judge.afterRevision?.(finding);
    if (afterRevision) plan.afterRevision = afterRevision;
    if (judge.retry) plan.retry = (o) => judge.retry!(o);
    const rowProbe = judge.rowProbe?.(finding);
    if (rowProbe) plan.rowProbe = rowProbe;
    return { finding, plan };
  } catch (error) {
    return { finding, plan: null, problem: String(error) };
  }
}

function judgeOne(history: History, finding: Finding, result: Replayed | null, problem: string | undefined): JudgedFinding {
  const base = { rule: finding.rule, file: history.name, line: finding.line, sql: finding.sql, message: finding.message };
  if (!result || !result.final) return { ...base, verdict: "unreplayable", why: problem ?? result?.failure ?? "not replayed" };
  const o = result.final;
  let judgement: Judgement;
  try {
    judgement = JUDGES[finding.rule]!.judge(finding, o, result);
  } catch (error) {
    judgement = { verdict: "unreplayable", why: `judge failed: ${String(error)}` };
  }
  return {
    ...base,
    ...judgement,
    seeded: o.seeded,
    ...(o.priorFailures.length ? { priorFailures: o.priorFailures } : {}),
  };
}
