import { resolve } from "node:path";
import { UsageError } from "../common/errors.js";
import { colorsFor, type Colors } from "../report/colors.js";
import { refuseInputAsOutput, writeReportFile, type RunInputs } from "../report/output-file.js";
import { writeReport, type Report } from "../report/stream.js";
import type { CliIO } from "./io.js";
import type { Format, Output } from "./option-values.js";
import type { ReportOptions } from "./options.js";

/** Every file the run reads, for outputsOf: the input files, the stats and configuration files, the --sql-command. */
export function inputsOf(files: readonly string[], options: { stats?: string; sqlCommand?: string }, config: { path: string } | null): RunInputs {
  const read = [...files, options.stats, config?.path].filter((f): f is string => f !== undefined);
  return { files: read, sqlCommand: options.sqlCommand };
}

/** The reports to write: every --format (text when none), the one without =FILE to -o FILE or stdout; each destination once, none an input. */
export function outputsOf(options: ReportOptions, inputs: RunInputs): Output[] {
  const requested = options.format ?? [{ format: "text" }];
  const toStdout = requested.filter((o) => o.file === undefined);
  if (toStdout.length > 1)
    throw new UsageError(
      `--format ${toStdout.map((o) => o.format).join(", ")}: only one report can go to stdout; give the others a file (--format FORMAT=FILE)`,
    );
  if (options.output !== undefined && toStdout.length === 0)
    throw new UsageError(`-o ${options.output}: every --format names its own file (FORMAT=FILE); -o is for the one without`);
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

/** One format's report of a command, produced as it is written. */
export type Render = (format: Format, colors: Colors) => Report;

/**
 * Starts every report before writing any (render checks the format: one the command has not is an
 * error with nothing written), then writes the files, and stdout last: a file that cannot be written
 * is exit 2 with no report on stdout. Each report is produced as it is written, never held whole.
 */
export async function writeOutputs(outputs: Output[], options: ReportOptions, io: CliIO, render: Render): Promise<void> {
  const reports = outputs.map((o) => ({ file: o.file, report: render(o.format, colorsFor(o.file === undefined ? io.stdout : {}, io.env, options.color)) }));
  for (const r of reports) if (r.file !== undefined) await emit(r.report, r.file, io);
  for (const r of reports) if (r.file === undefined) await emit(r.report, undefined, io);
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
