import { Option, type Command } from "commander";
import { UsageError } from "../../common/errors.js";
import { analyze } from "../../lint/analyze.js";
import type { Finding } from "../../lint/findings.js";
import { colorsFor, type Colors } from "../../report/colors.js";
import { loadParser } from "../../sql/parse.js";
import { readSourceFile, type SourceFile } from "../../sql/source.js";
import { formatTraceJson, formatTraceText } from "../../trace/report.js";
import { trace, type TraceResult } from "../../trace/trace.js";
import { readEveryInput } from "../inputs.js";
import { EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, type CliIO } from "../io.js";
import { readServerSchema, reportInternalErrors } from "../linting.js";
import { MAX_PG_VERSION, MIN_PG_VERSION, parsePgVersion, parseRowCount } from "../option-values.js";
import { addTimeoutOptions } from "../options.js";
import { selectRules } from "../rule-selection.js";
import { settingOption } from "../settings.js";

/** `locklint trace`: runs the migration in PostgreSQL and compares the locks it takes with the prediction. */

export interface TraceOptions {
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

export function declareTrace(program: Command): Command {
  const command = program
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
    .addOption(settingOption("maxInputMb"))
    .option("--seed-rows <n>", "fill every empty table with this many rows before the reported statements", parseRowCount)
    .option("--since <revision>", "run the history up to this alembic revision as setup, report only the later revisions")
    .option("--db-url <url>", "trace on this PostgreSQL server instead (everything runs in one transaction, rolled back; the password is never printed)")
    .option(
      "--allow-commit",
      "with --db-url: commit and run the statements that cannot run in a transaction block (CONCURRENTLY, VACUUM), and run ANALYZE and sequence functions; the output lists what was not rolled back",
    )
    .option("--color", "force colours")
    .option("--no-color", "no colours (also: NO_COLOR=1)");
  return addTimeoutOptions(command, "(embedded or on a server)");
}

export async function runTrace(files: string[], options: TraceOptions, io: CliIO): Promise<number> {
  if (options.allowCommit && !options.dbUrl) throw new UsageError("--allow-commit is for --db-url: the embedded database is thrown away anyway");
  const sources = await readEveryInput(files, io, { maxInputMb: options.maxInputMb });
  const setup = options.setup ? await readSourceFile(options.setup) : undefined;
  // on a server, its real schema (column types, constraints, indexes) is what the predictions and rules start from
  const timeouts = { lockMs: options.lockTimeout, statementMs: options.statementTimeout };
  const serverSchema = options.dbUrl ? await readServerSchema(options.dbUrl, timeouts) : undefined;
  const startingSchema = [serverSchema, setup].filter((f): f is SourceFile => f !== undefined);
  await loadParser();
  // the server's schema and the setup are replayed (they build the schema) but neither traced nor reported
  const analysis = analyze(sources, {
    pgVersion: options.pgVersion,
    rules: selectRules(undefined),
    keepStatements: true,
    keepBookkeeping: true,
    startingSchema,
  });
  const result = await trace(analysis.analyzed, {
    setupSql: setup?.text,
    seedRows: options.seedRows,
    since: options.since,
    dbUrl: options.dbUrl,
    allowCommit: options.allowCommit,
    timeouts,
  });
  const format = TRACE_FORMATS[options.format];
  io.stdout.write(format(result, analysis.findings, colorsFor(io.stdout, io.env, options.color)));
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  const bad = result.statements.some((s) => s.differences.length > 0 || s.observed?.error);
  return bad ? EXIT_FINDINGS : EXIT_OK;
}

const TRACE_FORMATS: Record<TraceOptions["format"], (result: TraceResult, findings: readonly Finding[], colors: Colors) => string> = {
  text: formatTraceText,
  json: (result, findings) => formatTraceJson(result, findings),
};
