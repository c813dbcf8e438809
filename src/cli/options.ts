import { Command, Option } from "commander";
import { DEFAULT_TIMEOUT_SECONDS } from "../common/child-process.js";
import { DEFAULT_TIMEOUTS } from "../common/connection.js";
import type { FailOn } from "../lint/findings.js";
import { FORMATS, parseFormat, parseSeconds, parseTimeout, type Output } from "./option-values.js";
import { settingOption } from "./settings.js";

/** The options several commands share, declared once; the configuration file's settings are in settings.ts. */

/** How a report is written, for every command that reports on SQL. */
export interface ReportOptions {
  /** Every --format as given (none: text to stdout); outputsOf checks and resolves them. */
  format?: Output[];
  output?: string;
  pgVersion: number;
  color?: boolean;
  stats?: string;
  dbUrl?: string;
  /** --verbose: also say what locklint did not model. */
  verbose?: boolean;
}

/** Reading SQL: files, stdin or a command's output; --since / --revision; the configuration file. */
export interface CommonOptions extends ReportOptions {
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

/** What decides the findings and the exit code (lint and alembic). */
export interface LintFlags {
  failOn: FailOn;
  rules?: string;
  maxLockMs?: number;
  maxReadLockMs?: number;
  maxWriteLockMs?: number;
}

/** --timeout, for the commands that start a child process (alembic, --sql-command); `what` names it in the help. */
export function timeoutOption(what: string): Option {
  return new Option("--timeout <seconds>", `stop ${what} (and every process it started) after this many seconds: exit 2`)
    .argParser(parseSeconds)
    .default(DEFAULT_TIMEOUT_SECONDS);
}

/** The timeout options of trace and stats, with their documented defaults. */
export function addTimeoutOptions(command: Command, statementScope: string): Command {
  return command
    .addOption(
      new Option(
        "--lock-timeout <duration>",
        "on a server: how long a statement waits for a lock another session holds, then stops with one line (lock_timeout)",
      )
        .argParser(parseTimeout)
        .default(DEFAULT_TIMEOUTS.lockMs, "5s"),
    )
    .addOption(
      new Option("--statement-timeout <duration>", `how long one statement may run ${statementScope}, then stops with one line (statement_timeout)`)
        .argParser(parseTimeout)
        .default(DEFAULT_TIMEOUTS.statementMs, "30s"),
    );
}

/** Where the SQL comes from: files, stdin or a command; which revisions are reported; the configuration file. */
export function addInputOptions(command: Command): Command {
  return command
    .argument("[files...]", "SQL files to read; - for stdin (default: stdin when it is not a terminal)")
    .option("--since <revision>", "the whole input builds the schema; report only the alembic revisions after this one (they are deployed together)")
    .option("--revision <revision>", "report only this alembic revision")
    .option(
      "--sql-command <command>",
      'run this shell command and lint its standard output, e.g. "alembic upgrade head --sql" (its stderr passes through; a failure is exit 2)',
    )
    .addOption(timeoutOption("the --sql-command"))
    .addOption(settingOption("maxInputMb"))
    .addOption(settingOption("assumeInTransaction"))
    .option("--config <file>", "configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)");
}

/** --verbose, for the commands that report on statements (lint, locks). */
export function verboseOption(): Option {
  return new Option("--verbose", "also list each statement locklint does not model (a DO block, a kind of statement it does not know), one line each");
}

/** The report: format, destination, PostgreSQL version, table sizes, colours. */
export function addReportOptions(command: Command): Command {
  return command
    .option(
      "-f, --format <format>",
      `report format: ${FORMATS.join(", ")} (default: text; github, markdown and sarif: lint and alembic only); FORMAT=FILE writes that report to FILE. Repeatable: several reports of one analysis, e.g. --format github --format sarif=locklint.sarif, at most one to stdout`,
      parseFormat,
    )
    .option("-o, --output <file>", "write the report that goes to stdout (the --format without =FILE) to this file instead")
    .addOption(settingOption("pgVersion"))
    .addOption(settingOption("stats"))
    .option("--db-url <url>", "read table sizes and the schema (column types, constraints, indexes) from this database instead of a stats file (read-only)")
    .option("--color", "force colours")
    .option("--no-color", "no colours (also: NO_COLOR=1)");
}

/** What makes a finding and fails the run. */
export function addLintOptions(command: Command): Command {
  return command
    .addOption(settingOption("failOn"))
    .addOption(settingOption("maxLockMs"))
    .addOption(settingOption("maxReadLockMs"))
    .addOption(settingOption("maxWriteLockMs"))
    .addOption(settingOption("rules"));
}
