import { dirname, relative, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { RULES } from "../../rules/index.js";
import { analyze, type Analysis } from "../lint/analyze.js";
import { checkRendered, renderHistory } from "../alembic/offline.js";
import { RevisionHistory } from "../alembic/history.js";
import { findAlembicIni, readAlembicProject } from "../alembic/project.js";
import { selectRevisions } from "../alembic/selection.js";
import { DEFAULT_TIMEOUT_SECONDS } from "../common/child-process.js";
import { UsageError } from "../common/errors.js";
import { reachesFailLevel, type FailOn, type Finding } from "../lint/findings.js";
import { findConfigFile, loadConfig, type Config } from "./config.js";
import type { Rule } from "../lint/rule.js";
import { loadParser } from "../sql/parse.js";
import { colorsFor, type Colors } from "../report/colors.js";
import { formatFindingsJson, formatLocksJson } from "../report/json.js";
import { formatLocksText } from "../report/locks-text.js";
import { formatGithub } from "../report/github.js";
import { formatMarkdown } from "../report/markdown.js";
import { formatSarif } from "../report/sarif.js";
import { refuseInputAsOutput, writeReportFile, type RunInputs } from "../report/output-file.js";
import { readCommandOutput } from "../sql/sql-command.js";
import { indexMigrationFiles } from "../alembic/migration-files.js";
import { locateInMigrations } from "../alembic/migration-locations.js";
import { summarize, textReport } from "../report/text.js";
import { writeReport, type Report, type ReportStream } from "../report/stream.js";
import { decodeSource, DEFAULT_MAX_INPUT_MB, MAX_INPUT_MB_CEILING, MB, readSourceFile, readStream, STDIN_NAME, type SourceFile } from "../sql/source.js";
import { checkStatements, type InputOrigin } from "../sql/input-check.js";
import { exampleFindings, lockSummary, ruleDocumentation } from "./rule-catalog.js";
import { findRule, selectRules } from "./rule-selection.js";
import { visible } from "../report/describe.js";
import { plural } from "../common/text.js";
import { TableSizes } from "../cost/estimate.js";
import { collectStats, readStatsFile, redactUrl } from "../cost/stats.js";
import { DEFAULT_TIMEOUTS, parseDuration, type SessionTimeouts } from "../common/connection.js";
import type { RevisionRange } from "../sql/script.js";
import { buildTimelines } from "../lint/timeline.js";
import { formatTraceJson, formatTraceText } from "../trace/report.js";
import { trace } from "../trace/trace.js";
import { serverDatabase } from "../trace/database.js";
import { schemaAsSql } from "../trace/introspect.js";
import { packageVersion } from "../common/version.js";

export interface CliIO {
  /** Where to look for the configuration file (default: process.cwd()). */
  cwd?: string;
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  /** Reports are written to it in chunks, waiting for 'drain' when write() says false and the stream has once(). */
  stdout: ReportStream & { isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const MIN_PG_VERSION = 11;
export const MAX_PG_VERSION = 18;
/** The oldest release the PostgreSQL project still supports. */
export const DEFAULT_PG_VERSION = 14;

const FORMATS = ["text", "json", "github", "markdown", "sarif"] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (name: string): name is Format => (FORMATS as readonly string[]).includes(name);

/** One report to write: a format, to a file, or to stdout when there is none. */
interface Output {
  format: Format;
  file?: string;
}

/** How a report is written, for every command that reports on SQL. */
interface ReportOptions {
  /** Every --format as given (none: text to stdout); outputsOf checks and resolves them. */
  format?: Output[];
  output?: string;
  pgVersion: number;
  color?: boolean;
  stats?: string;
  dbUrl?: string;
}

/** Reading SQL: files, stdin or a command's output; --since / --revision; the configuration file. */
interface CommonOptions extends ReportOptions {
  since?: string;
  revision?: string;
  config?: string;
  sqlCommand?: string;
  /** --timeout: seconds the --sql-command may run (commander gives the default). */
  timeout?: number;
  /** --max-input-mb, else the configuration file's, else DEFAULT_MAX_INPUT_MB. */
  maxInputMb?: number;
  assumeInTransaction?: boolean;
}

interface TraceCliOptions {
  format: "text" | "json";
  pgVersion: number;
  color?: boolean;
  setup?: string;
  seedRows?: number;
  since?: string;
  dbUrl?: string;
  allowCommit?: boolean;
  lockTimeout: number;
  statementTimeout: number;
  maxInputMb?: number;
}

/** What decides the findings and the exit code (lint and alembic). */
interface LintFlags {
  failOn: FailOn;
  rules?: string;
  maxLockMs?: number;
  maxReadLockMs?: number;
  maxWriteLockMs?: number;
}

interface LintOptions extends CommonOptions, LintFlags {
  alembicDir?: string[];
}

interface AlembicOptions extends ReportOptions, LintFlags {
  /** alembic.ini, as alembic's own --config. */
  config?: string;
  name: string;
  x?: string[];
  python?: string;
  sinceRef?: string;
  revision?: string[];
  all?: boolean;
  downgrade?: boolean;
  locklintConfig?: string;
  /** --timeout: seconds alembic may run. */
  timeout: number;
  /** --max-input-mb: the most SQL alembic may print. */
  maxInputMb?: number;
}

function parseRowCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new InvalidArgumentError("expected a number of rows from 1 to 10000000");
  return n;
}

/** --lock-timeout, --statement-timeout: as PostgreSQL writes a duration (500ms, 5s, 2min; a bare number is ms). */
function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError("expected a duration such as 500ms, 5s or 2min (a bare number is milliseconds)");
  return ms;
}

/** The timeout options of trace and stats, with their documented defaults. */
function addTimeoutOptions(command: Command, statementScope: string): Command {
  return command
    .addOption(new Option("--lock-timeout <duration>", "on a server: how long a statement waits for a lock another session holds, then stops with one line (lock_timeout)").argParser(parseTimeout).default(DEFAULT_TIMEOUTS.lockMs, "5s"))
    .addOption(new Option("--statement-timeout <duration>", `how long one statement may run ${statementScope}, then stops with one line (statement_timeout)`).argParser(parseTimeout).default(DEFAULT_TIMEOUTS.statementMs, "30s"));
}

function parseBudget(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of milliseconds");
  return n;
}

/** One --format: FORMAT (stdout) or FORMAT=FILE, collected (repeatable). */
function parseFormat(value: string, previous: Output[] = []): Output[] {
  const at = value.indexOf("=");
  const format = at < 0 ? value : value.slice(0, at);
  const file = at < 0 ? undefined : value.slice(at + 1);
  if (!isFormat(format)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}, alone or as FORMAT=FILE`);
  if (file === "") throw new InvalidArgumentError(`expected a file after ${format}=`);
  return [...previous, { format, file }];
}

/** --timeout: a number of seconds, more than 0 and at most a day. */
function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError("expected a number of seconds, more than 0 and at most 86400");
  return n;
}

/** --timeout, for the commands that start a child process (alembic, --sql-command); `what` names it in the help. */
function timeoutOption(what: string): Option {
  return new Option("--timeout <seconds>", `stop ${what} (and every process it started) after this many seconds: exit 2`).argParser(parseSeconds).default(DEFAULT_TIMEOUT_SECONDS);
}

function parsePgVersion(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_PG_VERSION || n > MAX_PG_VERSION) {
    throw new InvalidArgumentError(`expected a PostgreSQL major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}`);
  }
  return n;
}

/** --max-input-mb: a size in MB, up to the longest text Node.js holds. */
function parseMegabytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_INPUT_MB_CEILING) throw new InvalidArgumentError(`expected a number of megabytes, more than 0 and at most ${MAX_INPUT_MB_CEILING}`);
  return n;
}

/** --max-input-mb; no default here, so that the configuration file's max-input-mb can apply. `what` is the input it limits. */
function maxInputOption(what = "an input (a file, stdin, the --sql-command's output)"): Option {
  return new Option("--max-input-mb <mb>", `stop reading ${what} larger than this, in MB of 1,048,576 bytes: exit 2 (default: ${DEFAULT_MAX_INPUT_MB})`).argParser(
    parseMegabytes,
  );
}

/** Where the SQL comes from: files, stdin or a command; which revisions are reported; the configuration file. */
function addInputOptions(command: Command): Command {
  return command
    .argument("[files...]", "SQL files to read; - for stdin (default: stdin when it is not a terminal)")
    .option("--since <revision>", "the whole input builds the schema; report only the alembic revisions after this one (they are deployed together)")
    .option("--revision <revision>", "report only this alembic revision")
    .option("--sql-command <command>", 'run this shell command and lint its standard output, e.g. "alembic upgrade head --sql" (its stderr passes through; a failure is exit 2)')
    .addOption(timeoutOption("the --sql-command"))
    .addOption(maxInputOption())
    .option("--assume-in-transaction", "each file runs inside one transaction its migration tool opens (not needed for alembic --sql output, which prints BEGIN/COMMIT)")
    .option("--config <file>", "configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)");
}

/** The report: format, destination, PostgreSQL version, table sizes, colours. */
function addReportOptions(command: Command): Command {
  return command
    .option(
      "-f, --format <format>",
      `report format: ${FORMATS.join(", ")} (default: text; github, markdown and sarif: lint and alembic only); FORMAT=FILE writes that report to FILE. Repeatable: several reports of one analysis, e.g. --format github --format sarif=locklint.sarif, at most one to stdout`,
      parseFormat,
    )
    .option("-o, --output <file>", "write the report that goes to stdout (the --format without =FILE) to this file instead")
    .addOption(
      new Option("--pg-version <major>", `PostgreSQL major version the migration runs on (${MIN_PG_VERSION}-${MAX_PG_VERSION})`)
        .argParser(parsePgVersion)
        .default(DEFAULT_PG_VERSION),
    )
    .option("--stats <file>", "table sizes written by `locklint stats`: lock facts get hold-time estimates")
    .option("--db-url <url>", "read table sizes from this database instead of a stats file (read-only)")
    .option("--color", "force colours")
    .option("--no-color", "no colours (also: NO_COLOR=1)");
}

/** What makes a finding and fails the run. */
function addLintOptions(command: Command): Command {
  return command
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding reaches this severity").choices(["error", "warning", "never"]).default("error"))
    .option("--max-lock-ms <ms>", "with --stats or --db-url: report tables blocked for reads or writes longer than this (rule lock-budget)", parseBudget)
    .option("--max-read-lock-ms <ms>", "as --max-lock-ms, for locks that block reads (overrides it for them)", parseBudget)
    .option("--max-write-lock-ms <ms>", "as --max-lock-ms, for locks that block writes (overrides it for them)", parseBudget)
    .option("--rules <ids>", "rules to run: all, default, or a comma-separated list of rule ids (default: every rule not marked off in `locklint rules`)");
}

const collect = (value: string, values: string[] = []) => [...values, value];

/** Builds the command line. Exported so that docs can be generated from it. */
export function buildProgram(handlers: {
  lint: (files: string[], options: LintOptions, command: Command) => Promise<void>;
  alembic: (options: AlembicOptions, command: Command) => Promise<void>;
  locks: (files: string[], options: CommonOptions, command: Command) => Promise<void>;
  rules: (options: { format: "text" | "json" }) => Promise<void>;
  stats: (options: { dbUrl?: string; output: string; lockTimeout: number; statementTimeout: number }) => Promise<void>;
  trace: (files: string[], options: TraceCliOptions) => Promise<void>;
  explain: (rule: string) => Promise<void>;
}): Command {
  const program = new Command("locklint")
    .description("Lock-risk analyzer for PostgreSQL migrations: reads SQL (above all `alembic upgrade head --sql`) and reports the lock every statement takes and the safe way to do it.")
    .version(packageVersion(), "-V, --version")
    .addHelpText(
      "after",
      `
Examples:
  locklint alembic --since-ref origin/main       in an alembic project: lint the revisions the branch adds
  alembic upgrade head --sql | locklint          lint the SQL of every revision (stdin)
  locklint migration.sql --format json           findings as JSON
  locklint locks migration.sql                   the lock each statement takes
  locklint rules                                 the rule catalog
  locklint explain setting-not-null              one rule's documentation
  locklint lint --help                           the options of the default command

Exit codes: 0 nothing at or above --fail-on, 1 findings that are, 2 usage or input error.`,
    )
    .exitOverride();

  addReportOptions(
    addInputOptions(
      addLintOptions(program.command("lint", { isDefault: true }).description("report risky statements: findings with lock facts and the safe alternative (the default command)")).option(
        "--alembic-dir <dir>",
        "alembic versions directory (repeatable): findings also point at the revision's .py file and its op.* call",
        collect,
      ),
    ),
  ).action(handlers.lint);

  addReportOptions(
    addLintOptions(
      program
        .command("alembic")
        .description("lint an alembic project: render its whole history offline with its own alembic, report the revisions a branch adds, at their .py lines")
        .option("-c, --config <file>", "alembic.ini (default: the first found from here upwards)")
        .option("-n, --name <section>", "the ini section of the database to lint, as alembic's --name", "alembic")
        .option("-x <key=value>", "passed to alembic as -x key=value (repeatable)", collect)
        .option("--python <path>", "the Python that runs alembic (default: the first that can import alembic of the active virtualenv, the project's .venv or venv, python3 and python on PATH)")
        .option("--since-ref <ref>", "report the revisions whose files are added or changed since this git ref (git diff REF...HEAD, plus changes not committed yet)")
        .option("--revision <rev>", "report this revision: an id, a unique start of one, a branch label or heads (repeatable)", collect)
        .option("--all", "report every revision")
        .option("--downgrade", "also lint the downgrade path of the reported revisions")
        .addOption(timeoutOption("alembic"))
        .addOption(maxInputOption("alembic's SQL (its standard output)"))
        .option("--locklint-config <file>", "locklint's configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)"),
    ),
  ).action(handlers.alembic);

  addReportOptions(addInputOptions(program.command("locks").description("show the lock every statement takes: relation, mode, what it blocks, rewrite, scan"))).action(handlers.locks);
  program
    .command("rules")
    .description("list the rule catalog: id, severity, on or off by default, the lock its example takes, summary")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(handlers.rules);
  addTimeoutOptions(program
    .command("trace")
    .description("run the migration in an embedded PostgreSQL and compare the locks, rewrites and scans it really takes with the prediction")
    .argument("[files...]", "SQL files to read; - for stdin (default: stdin when it is not a terminal)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(
      new Option("--pg-version <major>", `PostgreSQL major version of the predictions (${MIN_PG_VERSION}-${MAX_PG_VERSION}; the embedded server is 18)`)
        .argParser(parsePgVersion)
        .default(MAX_PG_VERSION),
    )
    .option("--setup <file>", "SQL to run first, for a schema the script does not create")
    .addOption(maxInputOption())
    .option("--seed-rows <n>", "fill every empty table with this many rows before the reported statements", parseRowCount)
    .option("--since <revision>", "run the history up to this alembic revision as setup, report only the later revisions")
    .option("--db-url <url>", "trace on this PostgreSQL server instead (everything runs in one transaction, rolled back; the password is never printed)")
    .option("--allow-commit", "with --db-url: commit and run the statements that cannot run in a transaction block (CONCURRENTLY, VACUUM), and run ANALYZE and sequence functions; the output lists what was not rolled back")
    .option("--color", "force colours")
    .option("--no-color", "no colours (also: NO_COLOR=1)"), "(embedded or on a server)")
    .action(handlers.trace);
  addTimeoutOptions(program
    .command("stats")
    .description("read table sizes and row counts from a database (read-only) into a stats file for lock-time estimates")
    .option("--db-url <url>", "postgres://user:password@host:port/database, or host=... user=... password=... dbname=... (default: $DATABASE_URL); the password is never printed")
    .option("-o, --output <file>", "where to write the stats JSON", "locklint-stats.json"), "on the server")
    .action(handlers.stats);
  program.command("explain").description("print a rule's documentation").argument("<rule>", "rule id, as `locklint rules` lists it").action(handlers.explain);
  return program;
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram({
    lint: async (files, cliOptions, command) => {
      const config = configFor(cliOptions.config, io);
      const options = withConfig(cliOptions, config, command);
      const outputs = outputsOf(options, inputsOf(files, options, config));
      const rules = configuredRules(cliOptions.rules, config);
      const migrationFiles = options.alembicDir ? indexMigrationFiles(options.alembicDir, cliOptions.alembicDir ? "--alembic-dir" : `${config?.path}: alembic-dir`) : undefined;
      const inputs = await readInputs(files, io, options);
      reportUnread(inputs, io);
      const lint = await lintSources(inputs.sources, rules, options, config, { range: rangeOf(options), assumeInTransaction: options.assumeInTransaction });
      checkRange(options, lint.revisions);
      if (migrationFiles) locateInMigrations(lint.findings, migrationFiles);
      exitCode = unreadInputsExit(inputs, await report(lint, outputs, options, io));
    },
    alembic: async (cliOptions, command) => {
      const cwd = io.cwd ?? process.cwd();
      const config = configFor(cliOptions.locklintConfig, io);
      const options = withConfig(cliOptions, config, command);
      const rules = configuredRules(cliOptions.rules, config);
      const project = readAlembicProject(findAlembicIni(cwd, options.config), options.name);
      const migrationFiles = indexMigrationFiles(project.versionLocations, `${project.ini}: version location`);
      const outputs = outputsOf(options, inputsOf([project.ini, ...[...migrationFiles.values()].map((f) => f.path)], options, config));
      const history = new RevisionHistory(migrationFiles);
      const selection = selectRevisions(history, options, cwd);
      io.stderr.write(`locklint alembic: ${selection.description}\n`);
      const log = (line: string) => io.stderr.write(`locklint alembic: ${line}\n`);
      const rendering = await renderHistory(project, { python: options.python, x: options.x, downgrade: options.downgrade, env: io.env, cwd, log, timeoutSeconds: options.timeout, maxBytes: (options.maxInputMb ?? DEFAULT_MAX_INPUT_MB) * MB });
      checkRendered(rendering, [...selection.revisions].map((id) => history.files.get(id)!), { downgrade: options.downgrade, cwd });
      const sources = rendering.sources;
      const lint = await lintSources(sources, rules, options, config, { range: { revisions: selection.revisions } });
      // an empty rendering must not pass as clean
      if (history.ids.length > 0 && lint.revisions.size === 0) throw new UsageError(`alembic printed no revision of ${project.ini} on its standard output (no "-- Running upgrade" line): does env.py send the SQL elsewhere (output_buffer)?`);
      locateInMigrations(lint.findings, migrationFiles);
      // the .py paths (absolute, or from the ini's directory) as the user would write them: from where locklint runs
      for (const f of lint.findings) if (f.migration) f.migration = { ...f.migration, file: relative(cwd, resolve(dirname(project.ini), f.migration.file)) };
      exitCode = await report(lint, outputs, options, io);
    },
    locks: async (files, cliOptions, command) => {
      // the configuration file applies as to lint: pg-version, stats, assume-in-transaction, max-input-mb
      const config = configFor(cliOptions.config, io);
      const options = withConfig(cliOptions, config, command);
      const outputs = outputsOf(options, inputsOf(files, options, config));
      const inputs = await readInputs(files, io, options);
      reportUnread(inputs, io);
      await loadParser();
      const sizes = await loadSizes(options, config);
      const analysis = analyze(inputs.sources, { pgVersion: options.pgVersion, rules: [], keepStatements: true, sizes, range: rangeOf(options), assumeInTransaction: options.assumeInTransaction });
      checkRange(options, analysis.revisions);
      const timelines = buildTimelines(analysis.analyzed);
      await writeOutputs(outputs, options, io, (format, colors) => {
        switch (format) {
          case "text":
            return formatLocksText(analysis.analyzed, timelines, colors);
          case "json":
            return formatLocksJson(analysis.analyzed, timelines);
          case "github":
          case "markdown":
          case "sarif":
            throw new UsageError(`locklint locks has no ${format} format: use text or json`);
        }
      });
      exitCode = unreadInputsExit(inputs, EXIT_OK);
    },
    rules: async (options) => {
      await loadParser();
      const catalog = RULES.map((rule) => ({ id: rule.id, severity: rule.severity, default: !rule.optional, lock: lockSummary(exampleFindings(rule)), summary: rule.summary }));
      io.stdout.write(options.format === "json" ? JSON.stringify({ rules: catalog }, null, 2) + "\n" : formatCatalog(catalog));
    },
    stats: async (options) => {
      const url = options.dbUrl ?? io.env.DATABASE_URL;
      if (!url) throw new UsageError("no database: give --db-url postgres://... or set DATABASE_URL");
      const stats = await collectStats(url, { lockMs: options.lockTimeout, statementMs: options.statementTimeout });
      await writeReportFile(options.output, JSON.stringify(stats, null, 2) + "\n");
      io.stdout.write(`wrote ${plural(stats.tables.length, "table")} of ${stats.source} (PostgreSQL ${stats.server.version}) to ${options.output}\n`);
    },
    trace: async (files, options) => {
      if (options.allowCommit && !options.dbUrl) throw new UsageError("--allow-commit is for --db-url: the embedded database is thrown away anyway");
      const sources = await readEveryInput(files, io, { maxInputMb: options.maxInputMb });
      const setup = options.setup ? await readSourceFile(options.setup) : undefined;
      // on a server, its real schema (column types, constraints, indexes) is what the predictions and rules start from
      const timeouts = { lockMs: options.lockTimeout, statementMs: options.statementTimeout };
      const serverSchema = options.dbUrl ? await readServerSchema(options.dbUrl, timeouts) : undefined;
      const context = [serverSchema, setup].filter((f): f is SourceFile => f !== undefined);
      await loadParser();
      // the context is replayed (it builds the schema) but neither traced nor reported
      const analysis = analyze([...context, ...sources], { pgVersion: options.pgVersion, rules: selectRules(undefined), keepStatements: true, keepBookkeeping: true });
      const scripted = analysis.analyzed.filter((s) => !context.includes(s.statement.file));
      const findings = analysis.findings.filter((f) => !context.some((c) => c.path === f.file));
      const result = await trace(scripted, { setupSql: setup?.text, seedRows: options.seedRows, since: options.since, dbUrl: options.dbUrl, allowCommit: options.allowCommit, timeouts });
      io.stdout.write(options.format === "json" ? formatTraceJson(result, findings) : formatTraceText(result, findings, colorsFor(io.stdout, io.env, options.color)));
      const bad = result.statements.some((s) => s.differences.length > 0 || s.observed?.error);
      exitCode = bad ? EXIT_FINDINGS : EXIT_OK;
    },
    explain: async (id) => {
      const rule = findRule(id);
      await loadParser();
      io.stdout.write(ruleDocumentation(rule));
    },
  });
  // every command: a subcommand copied the program's output settings when it was added, before this
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // a usage error is one line, as every other exit 2: `locklint: <commander's message> (...)`
      outputError: (text, write) => write(`locklint: ${text.replace(/^error: /, "").trimEnd()} (locklint --help lists the options)\n`),
    });
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      // messages quote file names, keys and SQL as given: no escape sequence of theirs acts on the terminal
      io.stderr.write(`locklint: ${visible(error.message)}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`locklint: internal error: ${visible(error instanceof Error ? error.message : String(error))} (please report it)\n`);
    return EXIT_USAGE;
  }
}

/** Lints the sources with the rules, and the table sizes and lock budgets the options give. */
async function lintSources(sources: SourceFile[], rules: Rule[], options: ReportOptions & LintFlags, config: Config | null, input: { range?: RevisionRange; assumeInTransaction?: boolean }): Promise<Analysis> {
  const sizes = await loadSizes(options, config);
  await loadParser();
  const lockBudget = { reads: options.maxReadLockMs ?? options.maxLockMs, writes: options.maxWriteLockMs ?? options.maxLockMs };
  if ((lockBudget.reads !== undefined || lockBudget.writes !== undefined) && !sizes) {
    // a budget the configuration file set is named with its key
    const budgetKeys = { maxLockMs: "max-lock-ms", maxReadLockMs: "max-read-lock-ms", maxWriteLockMs: "max-write-lock-ms" } as const;
    const fromFile = (Object.keys(budgetKeys) as (keyof typeof budgetKeys)[]).find((key) => config?.[key] !== undefined && options[key] === config[key]);
    const place = fromFile && config ? `${config.path}: ${budgetKeys[fromFile]}: ` : "";
    throw new UsageError(`${place}lock budgets (--max-lock-ms, --max-read-lock-ms, --max-write-lock-ms) need table sizes: give --stats FILE (from locklint stats) or --db-url`);
  }
  // the markdown report's lock timeline needs the statements
  const keepStatements = options.format?.some((o) => o.format === "markdown") ?? false;
  const analysis = analyze(sources, { pgVersion: options.pgVersion, rules, sizes, lockBudget, keepStatements, ...input });
  if (config) applyConfig(analysis.findings, config);
  return analysis;
}

/** Writes every requested report of the one analysis; resolves to the exit code its findings call for. */
async function report(analysis: Analysis, outputs: Output[], options: ReportOptions & LintFlags, io: CliIO): Promise<number> {
  await writeOutputs(outputs, options, io, (format, colors) => renderFindings(format, analysis, colors));
  return analysis.findings.some((f) => reachesFailLevel(f, options.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

/** The findings of the analysis in one format (produced as it is written). */
function renderFindings(format: Format, { findings, ...analysis }: Analysis, colors: Colors): Report {
  const summary = summarize(findings, analysis.files, analysis.statements);
  switch (format) {
    case "text":
      return textReport(findings, summary, colors);
    case "json":
      return formatFindingsJson(findings, summary);
    case "github":
      return formatGithub(findings, summary);
    case "markdown":
      return formatMarkdown(findings, summary, buildTimelines(analysis.analyzed));
    case "sarif":
      return formatSarif(findings, RULES, packageVersion());
  }
}

/** Every file the run reads, for outputsOf: the input files, the stats and configuration files, the --sql-command. */
function inputsOf(files: readonly string[], options: { stats?: string; sqlCommand?: string }, config: Config | null): RunInputs {
  const read = [...files, options.stats, config?.path].filter((f): f is string => f !== undefined);
  return { files: read, sqlCommand: options.sqlCommand };
}

/** The reports to write: every --format (text when none), the one without =FILE to -o FILE or stdout; each destination once, none an input. */
function outputsOf(options: ReportOptions, inputs: RunInputs): Output[] {
  const requested = options.format ?? [{ format: "text" }];
  const toStdout = requested.filter((o) => o.file === undefined);
  if (toStdout.length > 1) throw new UsageError(`--format ${toStdout.map((o) => o.format).join(", ")}: only one report can go to stdout; give the others a file (--format FORMAT=FILE)`);
  if (options.output !== undefined && toStdout.length === 0) throw new UsageError(`-o ${options.output}: every --format names its own file (FORMAT=FILE); -o is for the one without`);
  const outputs = requested.map((o) => (o.file === undefined ? { ...o, file: options.output } : o));
  const destinations = new Set<string>();
  for (const { file } of outputs) {
    if (file === undefined) continue;
    if (destinations.has(resolve(file))) throw new UsageError(`${file}: two reports would be written to this file`);
    destinations.add(resolve(file));
    refuseInputAsOutput(file, inputs);
  }
  return outputs;
}

/**
 * Starts every report before writing any (render checks the format: one the command has not is an
 * error with nothing written), then writes the files, and stdout last: a file that cannot be written
 * is exit 2 with no report on stdout. Each report is produced as it is written, never held whole.
 */
async function writeOutputs(outputs: Output[], options: ReportOptions, io: CliIO, render: (format: Format, colors: Colors) => Report): Promise<void> {
  const reports = outputs.map((o) => ({ file: o.file, report: render(o.format, colorsFor(o.file === undefined ? io.stdout : {}, io.env, options.color)) }));
  for (const r of reports) if (r.file !== undefined) await emit(r.report, r.file, io);
  for (const r of reports) if (r.file === undefined) await emit(r.report, undefined, io);
}

function rangeOf(options: CommonOptions): RevisionRange | undefined {
  if (options.since && options.revision) throw new UsageError("give --since or --revision, not both");
  return options.since || options.revision ? { since: options.since, revision: options.revision } : undefined;
}

/** A --since / --revision naming no revision of the input would report nothing: say so instead. */
function checkRange(options: CommonOptions, revisions: Set<string>): void {
  const wanted = options.since ?? options.revision;
  if (wanted && !revisions.has(wanted)) throw new UsageError(`revision ${wanted} is not in the input (no "-- Running upgrade ... -> ${wanted}" line)`);
}

/** The report, to --output FILE or stdout, chunk by chunk. */
async function emit(report: Report, output: string | undefined, io: CliIO): Promise<void> {
  if (!output) {
    try {
      await writeReport(io.stdout, report);
    } catch (error) {
      throw new UsageError(stdoutFailure(error));
    }
    return;
  }
  await writeReportFile(output, report);
}

/**
 * The one line for a report lost on stdout (a full disk behind a redirect, a closed descriptor);
 * src/main.ts reports a stream's asynchronous failure with it too, with exit 2 (1 would read as findings).
 */
export function stdoutFailure(error: unknown): string {
  const reason = error instanceof Error ? error.message.replace(/, write$/, "") : String(error);
  return `cannot write the report to stdout: ${reason}`;
}

/** A server's schema as SQL, to replay before the script (trace --db-url). */
async function readServerSchema(url: string, timeouts: SessionTimeouts): Promise<SourceFile> {
  const db = await serverDatabase(url, timeouts);
  try {
    return decodeSource(`<schema of ${redactUrl(url)}>`, new TextEncoder().encode(await schemaAsSql(db)));
  } finally {
    await db.close();
  }
}

/** The project's configuration file, when there is one (named by an option; else found from the working directory up). */
function configFor(named: string | undefined, io: CliIO): Config | null {
  const path = findConfigFile(io.cwd ?? process.cwd(), named);
  return path ? loadConfig(path) : null;
}

/** Flags given on the command line win; the file fills in the rest. */
function withConfig<T extends ReportOptions & Partial<LintFlags> & { assumeInTransaction?: boolean; alembicDir?: string[]; maxInputMb?: number }>(options: T, config: Config | null, command: Command): T {
  if (!config) return options;
  const given = (name: string) => command.getOptionValueSource(name) === "cli";
  return {
    ...options,
    pgVersion: given("pgVersion") ? options.pgVersion : (config.pgVersion ?? options.pgVersion),
    failOn: given("failOn") ? options.failOn : (config.failOn ?? options.failOn),
    rules: options.rules ?? config.rules,
    maxLockMs: options.maxLockMs ?? config.maxLockMs,
    maxReadLockMs: options.maxReadLockMs ?? config.maxReadLockMs,
    maxWriteLockMs: options.maxWriteLockMs ?? config.maxWriteLockMs,
    stats: options.stats ?? (options.dbUrl ? undefined : config.stats),
    assumeInTransaction: options.assumeInTransaction ?? config.assumeInTransaction,
    alembicDir: options.alembicDir ?? config.alembicDir,
    maxInputMb: options.maxInputMb ?? config.maxInputMb,
  };
}

/**
 * --rules (else the file's rules), less the file's disable list; rule ids in the file are checked
 * (errors name the file and key). A selection that leaves no rule is an error: it would pass anything.
 */
function configuredRules(cliSpec: string | undefined, config: Config | null): Rule[] {
  const fromFile = cliSpec === undefined && config?.rules !== undefined;
  const rules = at(fromFile ? `${config?.path}: rules` : cliSpec === undefined ? undefined : `--rules "${cliSpec}"`, () => selectRules(cliSpec ?? config?.rules));
  if (!config) return rules;
  const inFile = (key: string) => `${config.path}: ${key}`;
  for (const id of config.disable) at(inFile("disable"), () => findRule(id));
  for (const id of Object.keys(config.severity)) at(inFile(`severity.${id}`), () => findRule(id));
  for (const [revision, ids] of Object.entries(config.ignore)) for (const id of ids) at(inFile(`ignore.${revision}`), () => findRule(id));
  const enabled = rules.filter((r) => !config.disable.includes(r.id));
  if (enabled.length === 0) throw new UsageError(`${inFile("disable")}: turns off every rule selected (${rules.map((r) => r.id).join(", ")}); nothing would be checked`);
  return enabled;
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

/** Table sizes from --stats FILE or --db-url, when given; a stats file the configuration names is named with its key. */
async function loadSizes(options: CommonOptions, config: Config | null): Promise<TableSizes | undefined> {
  if (options.stats && options.dbUrl) throw new UsageError("give --stats or --db-url, not both");
  if (options.dbUrl) return new TableSizes(await collectStats(options.dbUrl));
  if (!options.stats) return undefined;
  const place = config !== null && config.stats === options.stats ? `${config.path}: stats` : undefined;
  const stats = await readStatsFile(options.stats).catch((error: unknown) => {
    throw prefixed(place, error);
  });
  return new TableSizes(stats);
}

function formatCatalog(rows: { id: string; severity: string; default: boolean; lock: string; summary: string }[]): string {
  const width = Math.max(...rows.map((r) => r.id.length));
  const indent = " ".repeat(width + 21);
  const lines = rows.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${(r.default ? "on" : "off").padEnd(7)}  ${r.summary}\n${indent}lock: ${r.lock}`);
  return `${"RULE".padEnd(width)}  SEVERITY  DEFAULT  SUMMARY\n${lines.join("\n")}\n\n${rows.length} rules; \`locklint explain <rule>\` prints one rule's documentation\n`;
}

/** Where the SQL comes from, and the limits on reading it. */
interface InputOptions {
  sqlCommand?: string;
  /** --timeout: seconds the --sql-command may run. */
  timeout?: number;
  /** --max-input-mb: the size limit of each input. */
  maxInputMb?: number;
}

/** The inputs read, and one line for each that could not be. */
interface Inputs {
  sources: SourceFile[];
  problems: string[];
}

/**
 * Reads every input: the files in order (- is stdin), then the --sql-command's output. Each must be
 * UTF-8 SQL text with a statement and nothing left open at its end (checkStatements). An input
 * that fails is a problem, not the end: the others are still read. When none can be, the problems
 * are the error.
 */
async function readInputs(files: string[], io: CliIO, options: InputOptions = {}): Promise<Inputs> {
  const paths = files.length > 0 || options.sqlCommand !== undefined ? files : [stdinByDefault(io)];
  if (paths.filter((p) => p === "-").length > 1) throw new UsageError("- (stdin) is named twice: stdin can be read only once");
  const maxBytes = (options.maxInputMb ?? DEFAULT_MAX_INPUT_MB) * MB;
  const inputs: { origin: InputOrigin; read: () => Promise<SourceFile> }[] = paths.map((path) =>
    path === "-" ? { origin: "stdin", read: () => readStream(STDIN_NAME, io.stdin, maxBytes) } : { origin: "file", read: () => readSourceFile(path, maxBytes) },
  );
  const { sqlCommand } = options;
  if (sqlCommand !== undefined) {
    const timeoutSeconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
    inputs.push({ origin: "command", read: () => readCommandOutput(sqlCommand, { cwd: io.cwd, env: io.env, stderr: io.stderr, timeoutSeconds, maxBytes }) });
  }
  const sources: SourceFile[] = [];
  const problems: string[] = [];
  for (const { origin, read } of inputs) {
    try {
      const source = await read();
      checkStatements(source, origin);
      sources.push(source);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (sources.length === 0) throw new UsageError(problems.join("\nlocklint: "));
  return { sources, problems };
}

/** No file named: stdin, unless it is a terminal (nobody is typing a migration). */
function stdinByDefault(io: CliIO): string {
  if (io.stdin.isTTY) throw new UsageError("no input: name SQL files, or pipe SQL in, e.g. `alembic upgrade head --sql | locklint`");
  return "-";
}

/**
 * The inputs that could not be read, one line each, written before the analysis (a later error
 * must not hide them). The others are still linted; the run exits 2 (unreadInputsExit).
 */
function reportUnread(inputs: Inputs, io: CliIO): void {
  for (const problem of inputs.problems) io.stderr.write(`locklint: ${problem}\n`);
}

/** For trace, every input or none: a migration run with a file missing is not the migration. */
async function readEveryInput(files: string[], io: CliIO, options: InputOptions): Promise<SourceFile[]> {
  const { sources, problems } = await readInputs(files, io, options);
  if (problems.length > 0) throw new UsageError(problems.join("\nlocklint: "));
  return sources;
}

/** The exit code of a run that read its inputs: 2 when one could not be read, whatever the findings. */
function unreadInputsExit(inputs: Inputs, code: number): number {
  return inputs.problems.length > 0 ? EXIT_USAGE : code;
}
