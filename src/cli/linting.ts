import { RULES } from "../../rules/index.js";
import { UsageError } from "../common/errors.js";
import { packageVersion } from "../common/version.js";
import { TableSizes } from "../cost/estimate.js";
import { DEFAULT_TIMEOUTS, type SessionTimeouts } from "../common/connection.js";
import { collectStats, readStatsFile, redactUrl } from "../cost/stats.js";
import { analyze, type Analysis } from "../lint/analyze.js";
import { reachesFailLevel, type Finding } from "../lint/findings.js";
import type { Rule } from "../lint/rule.js";
import { buildTimelines } from "../lint/timeline.js";
import type { Colors } from "../report/colors.js";
import { visible } from "../report/describe.js";
import { formatGithub } from "../report/github.js";
import { formatFindingsJson } from "../report/json.js";
import { formatMarkdown } from "../report/markdown.js";
import { formatSarif } from "../report/sarif.js";
import type { Report } from "../report/stream.js";
import { summarize, textReport, type Summary } from "../report/text.js";
import { loadParser } from "../sql/parse.js";
import type { RevisionRange } from "../sql/script.js";
import type { StatementLocator } from "../lint/statement-places.js";
import { decodeSource, type SourceFile } from "../sql/source.js";
import { serverDatabase } from "../trace/database.js";
import { schemaAsSql } from "../trace/introspect.js";
import { findConfigFile, loadConfig, type Config } from "./config.js";
import { EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, type CliIO } from "./io.js";
import type { Format, Output } from "./option-values.js";
import type { LintFlags, ReportOptions } from "./options.js";
import { writeOutputs } from "./outputs.js";
import { findRule, selectRules } from "./rule-selection.js";
import { SETTINGS } from "./settings.js";

/** What lint and alembic share: the configuration, the rules, the analysis with table sizes, the findings' reports. */

/** The project's configuration file, when there is one (named by an option; else found from the working directory up). */
export function configFor(named: string | undefined, io: CliIO): Config | null {
  const path = findConfigFile(io.cwd ?? process.cwd(), named);
  return path ? loadConfig(path) : null;
}

/**
 * --rules (else the file's rules), less the file's disable list; rule ids in the file are checked
 * (errors name the file and key). A selection that leaves no rule is an error: it would pass anything.
 */
export function configuredRules(cliSpec: string | undefined, config: Config | null): Rule[] {
  const rules = at(rulesPlace(cliSpec, config), () => selectRules(cliSpec ?? config?.rules));
  if (!config) return rules;
  const inFile = (key: string) => `${config.path}: ${key}`;
  const { disable, severity, ignore } = SETTINGS;
  for (const id of config.disable) at(inFile(disable.key), () => findRule(id));
  for (const id of Object.keys(config.severity)) at(inFile(`${severity.key}.${id}`), () => findRule(id));
  for (const [revision, ids] of Object.entries(config.ignore)) for (const id of ids) at(inFile(`${ignore.key}.${revision}`), () => findRule(id));
  const enabled = rules.filter((r) => !config.disable.includes(r.id));
  if (enabled.length === 0)
    throw new UsageError(`${inFile(disable.key)}: turns off every rule selected (${rules.map((r) => r.id).join(", ")}); nothing would be checked`);
  return enabled;
}

/** Where the rule selection came from, for its errors: --rules, else the file's key, else nowhere (the default). */
function rulesPlace(cliSpec: string | undefined, config: Config | null): string | undefined {
  if (cliSpec !== undefined) return `--rules "${cliSpec}"`;
  return config?.rules !== undefined ? `${config.path}: ${SETTINGS.rules.key}` : undefined;
}

/** The check's result; a usage error it throws is prefixed with where the value came from (when known). */
function at<T>(place: string | undefined, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw prefixed(place, error);
  }
}

/** A usage error prefixed with where the value came from (a file and key, an option); other errors as they are. */
function prefixed(place: string | undefined, error: unknown): unknown {
  return place !== undefined && error instanceof UsageError ? new UsageError(`${place}: ${error.message}`) : error;
}

/** Severity overrides and per-revision ignores of the configuration file. */
function applyConfig(findings: Finding[], config: Config): void {
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    const ignored = f.revision?.id ? config.ignore[f.revision.id] : undefined;
    if (ignored?.includes(f.rule)) {
      findings.splice(i, 1);
      continue;
    }
    const severity = config.severity[f.rule];
    if (severity) f.severity = severity;
  }
}

/**
 * With --db-url, the server's schema (tables, column types, NOT NULL, constraints, indexes, enums) as
 * SQL the analysis replays before the inputs: a type change or SET NOT NULL on a table the history
 * does not create is judged on the real column, not guessed.
 */
export async function startingSchemaOf(options: { dbUrl?: string }): Promise<SourceFile[]> {
  return options.dbUrl ? [await readServerSchema(options.dbUrl, DEFAULT_TIMEOUTS)] : [];
}

/** A server's schema as SQL, named after the server (its URL without the password). */
export async function readServerSchema(url: string, timeouts: SessionTimeouts): Promise<SourceFile> {
  const db = await serverDatabase(url, timeouts);
  try {
    return decodeSource(`<schema of ${redactUrl(url)}>`, new TextEncoder().encode(await schemaAsSql(db)));
  } finally {
    await db.close();
  }
}

/** Table sizes from --stats FILE or --db-url, when given; a stats file the configuration names is named with its key. */
export async function loadSizes(options: { stats?: string; dbUrl?: string }, config: Config | null): Promise<TableSizes | undefined> {
  if (options.stats && options.dbUrl) throw new UsageError("give --stats or --db-url, not both");
  if (options.dbUrl) return new TableSizes(await collectStats(options.dbUrl));
  if (!options.stats) return undefined;
  const place = config !== null && config.stats === options.stats ? `${config.path}: ${SETTINGS.stats.key}` : undefined;
  const stats = await readStatsFile(options.stats).catch((error: unknown) => {
    throw prefixed(place, error);
  });
  return new TableSizes(stats);
}

const BUDGETS = ["maxLockMs", "maxReadLockMs", "maxWriteLockMs"] as const;

/** Lints the sources with the rules, and the table sizes and lock budgets the options give. */
export async function lintSources(
  sources: SourceFile[],
  rules: Rule[],
  options: ReportOptions & LintFlags,
  config: Config | null,
  input: { range?: RevisionRange; assumeInTransaction?: boolean; locate?: StatementLocator },
): Promise<Analysis> {
  const sizes = await loadSizes(options, config);
  const startingSchema = await startingSchemaOf(options);
  await loadParser();
  const lockBudget = { reads: options.maxReadLockMs ?? options.maxLockMs, writes: options.maxWriteLockMs ?? options.maxLockMs };
  if ((lockBudget.reads !== undefined || lockBudget.writes !== undefined) && !sizes) {
    // a budget the configuration file set is named with its key
    const fromFile = BUDGETS.find((name) => config?.[name] !== undefined && options[name] === config[name]);
    const place = fromFile && config ? `${config.path}: ${SETTINGS[fromFile].key}: ` : "";
    throw new UsageError(
      `${place}lock budgets (--max-lock-ms, --max-read-lock-ms, --max-write-lock-ms) need table sizes: give --stats FILE (from locklint stats) or --db-url`,
    );
  }
  // the markdown report's lock timeline needs the statements
  const keepStatements = options.format?.some((o) => o.format === "markdown") ?? false;
  const analysis = analyze(sources, { pgVersion: options.pgVersion, rules, sizes, lockBudget, keepStatements, startingSchema, ...input });
  if (config) applyConfig(analysis.findings, config);
  return analysis;
}

/** Writes every requested report of the one analysis; resolves to the exit code its findings (and internal errors) call for. */
export async function reportFindings(analysis: Analysis, outputs: Output[], options: ReportOptions & LintFlags, io: CliIO): Promise<number> {
  await writeOutputs(outputs, options, io, (format, colors) => renderFindings(format, analysis, colors, options.verbose === true));
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  return analysis.findings.some((f) => reachesFailLevel(f, options.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Each statement locklint failed on, one line on stderr (the reports, wherever they went, carry it
 * as an internal-error finding too); true when there was one: the run then exits 2, whatever the findings.
 */
export function reportInternalErrors(analysis: Analysis, io: CliIO): boolean {
  for (const e of analysis.internalErrors) {
    const statement = firstLine(e.sql);
    io.stderr.write(`locklint: internal error at ${visible(`${e.file}:${e.line}:${e.column} (${statement}): ${e.message}`)} (please report it)\n`);
  }
  return analysis.internalErrors.length > 0;
}

/** A statement in a line: its first, cut at 80 characters. */
function firstLine(sql: string): string {
  const line = Array.from(sql.split(/\r\n|\n|\r/)[0] ?? "");
  return line.length > 80 || sql.includes("\n") ? `${line.slice(0, 79).join("")}…` : line.join("");
}

/** The findings of an analysis in each format (produced as it is written); `verbose`: what was not modelled, in text. */
const FINDINGS_REPORTS: Record<Format, (findings: readonly Finding[], summary: Summary, analysis: Analysis, colors: Colors, verbose: boolean) => Report> = {
  text: (findings, summary, analysis, colors, verbose) => textReport(findings, summary, colors, verbose ? analysis.unmodelled : []),
  json: (findings, summary, analysis) => formatFindingsJson(findings, summary, analysis.unmodelled),
  github: (findings, summary) => formatGithub(findings, summary),
  markdown: (findings, summary, analysis) => formatMarkdown(findings, summary, buildTimelines(analysis.analyzed)),
  sarif: (findings) => formatSarif(findings, RULES, packageVersion()),
};

function renderFindings(format: Format, analysis: Analysis, colors: Colors, verbose: boolean): Report {
  const summary = summarize(analysis.findings, analysis.files, analysis.statements);
  return FINDINGS_REPORTS[format](analysis.findings, summary, analysis, colors, verbose);
}
