import { Command, CommanderError } from "commander";
import { UsageError } from "../common/errors.js";
import { packageVersion } from "../common/version.js";
import { visible } from "../report/describe.js";
import { declareAlembic, runAlembic, type AlembicOptions } from "./commands/alembic.js";
import { declareExplain, runExplain } from "./commands/explain.js";
import { declareLint, runLint, type LintOptions } from "./commands/lint.js";
import { declareLocks, runLocks } from "./commands/locks.js";
import { declareRules, runRules, type RulesOptions } from "./commands/rules.js";
import { declareStats, runStats, type StatsOptions } from "./commands/stats.js";
import { declareTrace, runTrace, type TraceOptions } from "./commands/trace.js";
import { EXIT_OK, EXIT_USAGE, type CliIO } from "./io.js";
import type { CommonOptions } from "./options.js";

/** The command line: the program and its commands (one file each under commands/), and the run that dispatches to them. */

export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO } from "./io.js";
export { stdoutFailure } from "./outputs.js";

/** What each command does with its arguments and options (commander's action). */
export interface CommandHandlers {
  lint: (files: string[], options: LintOptions, command: Command) => Promise<void>;
  alembic: (options: AlembicOptions, command: Command) => Promise<void>;
  locks: (files: string[], options: CommonOptions, command: Command) => Promise<void>;
  rules: (options: RulesOptions) => Promise<void>;
  stats: (options: StatsOptions) => Promise<void>;
  trace: (files: string[], options: TraceOptions) => Promise<void>;
  explain: (rule: string) => Promise<void>;
}

/** Builds the command line. Exported so that docs can be generated from it. */
export function buildProgram(handlers: CommandHandlers): Command {
  const program = new Command("locklint")
    .description(
      "Lock-risk analyzer for PostgreSQL migrations: reads SQL (above all `alembic upgrade head --sql`) and reports the lock every statement takes and the safe way to do it.",
    )
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

Exit codes: 0 nothing at or above --fail-on, 1 findings that are, 2 usage or input error, or an internal error.`,
    )
    .exitOverride();
  declareLint(program).action(handlers.lint);
  declareAlembic(program).action(handlers.alembic);
  declareLocks(program).action(handlers.locks);
  declareRules(program).action(handlers.rules);
  declareTrace(program).action(handlers.trace);
  declareStats(program).action(handlers.stats);
  declareExplain(program).action(handlers.explain);
  return program;
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram({
    lint: async (files, options, command) => void (exitCode = await runLint(files, options, command, io)),
    alembic: async (options, command) => void (exitCode = await runAlembic(options, command, io)),
    locks: async (files, options, command) => void (exitCode = await runLocks(files, options, command, io)),
    rules: async (options) => void (exitCode = await runRules(options, io)),
    stats: async (options) => void (exitCode = await runStats(options, io)),
    trace: async (files, options) => void (exitCode = await runTrace(files, options, io)),
    explain: async (rule) => void (exitCode = await runExplain(rule, io)),
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
    return failed(error, io);
  }
}

/** The exit code of a run that threw, with its one line on stderr (never a stack). */
function failed(error: unknown, io: CliIO): number {
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
