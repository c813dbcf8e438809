import { realpathSync, statSync } from "node:fs";
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../common/errors.js";
import { batched, type Report } from "./stream.js";

/** The file operations a report file needs (a test passes failing ones). */
export interface ReportFs {
  /** Node's writeFile: an iterable is written chunk by chunk, each awaited. */
  writeFile(path: string, text: string | Iterable<string>, options: { flag: string; mode?: number }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const NODE_FS: ReportFs = { writeFile, rename, unlink };

/**
 * Writes a report file whole or not at all: into a temporary file beside it, then renamed over it.
 * A full disk or a crash leaves the previous file as it was, and two runs writing one path leave
 * one whole report (the last rename wins) instead of interleaved bytes.
 */
export async function writeReportFile(path: string, report: string | Report, fs: ReportFs = NODE_FS): Promise<void> {
  // through a symlink, the file it points to is replaced and the link stays
  const target = realPath(path) ?? resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${tempName()}.tmp`);
  try {
    // a report in chunks is written as it is produced: never held whole, nor limited by the longest string
    await fs.writeFile(temp, typeof report === "string" ? report : batched(report), { flag: "wx", mode: existingMode(target) });
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw new UsageError(`${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

let tempCount = 0;

/**
 * A temporary file's name no other writer uses: this process, now, and a count within the process
 * (the "wx" flag refuses a name that exists anyway). Not node:crypto: loading it costs every run's start-up.
 */
function tempName(): string {
  return `${process.pid}-${Date.now().toString(36)}-${tempCount++}`;
}

/** What locklint reads in a run: files (by any path or link to them) and the shell command whose output it lints. */
export interface RunInputs {
  files: readonly string[];
  sqlCommand?: string;
}

/**
 * A report file must never replace what the run reads: refused when it is one of the input files
 * (the same file through another path, a symlink or a hard link), or when it looks like the file the
 * --sql-command reads. That last check is a heuristic: the command is not run to find out, so the
 * report file is refused when its path or its base name is a word of the command.
 */
export function refuseInputAsOutput(output: string, inputs: RunInputs): void {
  const written = identity(output);
  for (const input of inputs.files) {
    if (input === "-" || written === null || identity(input) !== written) continue;
    throw new UsageError(`${output}: is the input ${input}; the report would replace it (write the report to another file)`);
  }
  if (inputs.sqlCommand !== undefined && commandNames(inputs.sqlCommand, output)) {
    throw new UsageError(
      `${output}: --sql-command names this file ("${inputs.sqlCommand}"); the report would replace what it reads (write the report to another file)`,
    );
  }
}

/** Whether a word of the shell command is the path, or a path with the same base name. */
function commandNames(command: string, path: string): boolean {
  const words = command.split(/[\s'"`;|&<>()=]+/).filter(Boolean);
  return words.some((word) => resolve(word) === resolve(path) || basename(word) === basename(path));
}

/** One file, whatever path or link reaches it: device and inode; null when there is none. */
function identity(path: string): string | null {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}

function realPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** The permissions of the file being replaced, kept by its replacement. */
function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}
