import { DEFAULT_TIMEOUT_SECONDS } from "../common/child-process.js";
import { UsageError } from "../common/errors.js";
import { checkStatements, type InputOrigin } from "../sql/input-check.js";
import type { RevisionRange } from "../sql/script.js";
import { readCommandOutput } from "../sql/sql-command.js";
import { DEFAULT_MAX_INPUT_MB, MB, readSourceFile, readStream, STDIN_NAME, type SourceFile } from "../sql/source.js";
import { EXIT_USAGE, type CliIO } from "./io.js";

/** Where the SQL comes from, and the limits on reading it. */
export interface InputOptions {
  sqlCommand?: string;
  /** --timeout: seconds the --sql-command may run. */
  timeout?: number;
  /** --max-input-mb: the size limit of each input. */
  maxInputMb?: number;
}

/** The inputs read, and one line for each that could not be. */
export interface Inputs {
  sources: SourceFile[];
  problems: string[];
}

/**
 * Reads every input: the files in order (- is stdin), then the --sql-command's output. Each must be
 * UTF-8 SQL text with a statement and nothing left open at its end (checkStatements). An input
 * that fails is a problem, not the end: the others are still read. When none can be, the problems
 * are the error.
 */
export async function readInputs(files: string[], io: CliIO, options: InputOptions = {}): Promise<Inputs> {
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
export function reportUnread(inputs: Inputs, io: CliIO): void {
  for (const problem of inputs.problems) io.stderr.write(`locklint: ${problem}\n`);
}

/** For trace, every input or none: a migration run with a file missing is not the migration. */
export async function readEveryInput(files: string[], io: CliIO, options: InputOptions): Promise<SourceFile[]> {
  const { sources, problems } = await readInputs(files, io, options);
  if (problems.length > 0) throw new UsageError(problems.join("\nlocklint: "));
  return sources;
}

/** The exit code of a run that read its inputs: 2 when one could not be read, whatever the findings. */
export function unreadInputsExit(inputs: Inputs, code: number): number {
  return inputs.problems.length > 0 ? EXIT_USAGE : code;
}

/** --since / --revision: the revisions reported. */
export function rangeOf(options: { since?: string; revision?: string }): RevisionRange | undefined {
  if (options.since && options.revision) throw new UsageError("give --since or --revision, not both");
  return options.since || options.revision ? { since: options.since, revision: options.revision } : undefined;
}

/** A --since / --revision naming no revision of the input would report nothing: say so instead. */
export function checkRange(options: { since?: string; revision?: string }, revisions: Set<string>): void {
  const wanted = options.since ?? options.revision;
  if (wanted && !revisions.has(wanted)) throw new UsageError(`revision ${wanted} is not in the input (no "-- Running upgrade ... -> ${wanted}" line)`);
}
