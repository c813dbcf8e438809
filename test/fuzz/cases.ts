/** The commands every fuzz input goes through, and what each must do whatever the input. */

export interface Command {
  args: string[];
  /** What stdout must parse as when the run ends with exit 0 or 1. */
  output: keyof typeof SUMMARIES | "json" | "sarif";
  /** Per-run bound: longer is a hang. */
  timeoutMs: number;
  /** The input is written to this file (named in args) instead of going to stdin. */
  inputFile?: string;
}

/** The last line of each text report (a cut-off report lacks it). */
const SUMMARIES = {
  lintText: /^\d+ statements? in \d+ files?: /,
  github: /^locklint: \d+ errors?, \d+ warnings? in \d+ statements?$/,
  markdown: /^## locklint: /m,
  locksText: /^\d+ statements?\b/,
  traceText: /^\d+ statements? traced on /,
};

const FAST = 10_000;

/** Every output of lint and locks, on stdin; and lint reading a file. */
export const COMMANDS: Command[] = [
  { args: ["-f", "text"], output: "lintText", timeoutMs: FAST },
  { args: ["-f", "json"], output: "json", timeoutMs: FAST },
  { args: ["-f", "github"], output: "github", timeoutMs: FAST },
  { args: ["-f", "markdown"], output: "markdown", timeoutMs: FAST },
  { args: ["-f", "sarif"], output: "sarif", timeoutMs: FAST },
  { args: ["locks", "-f", "text"], output: "locksText", timeoutMs: FAST },
  { args: ["locks", "-f", "json"], output: "json", timeoutMs: FAST },
  { args: ["-f", "text", "migration.sql"], output: "lintText", timeoutMs: FAST, inputFile: "migration.sql" },
];

/** trace runs the statements on embedded PostgreSQL (PGlite): seconds per run, so only now and then. */
export const TRACE_COMMANDS: Command[] = [
  { args: ["trace"], output: "traceText", timeoutMs: 60_000 },
  { args: ["trace", "-f", "json"], output: "json", timeoutMs: 60_000 },
];

/** The shell line that reruns a command on a saved input. */
export function commandLine(command: Command, file: string): string {
  const line = `locklint ${command.args.join(" ")}`;
  return command.inputFile ? `cp ${file} ${command.inputFile} && ${line}` : `${line} < ${file}`;
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** An exception that escaped run(), or the reason the run never finished (timeout, process death). */
  crash?: string;
}

/** Why the outcome breaks the rules every run must keep, or null when it keeps them. */
export function violation(command: Command, outcome: Outcome): string | null {
  if (outcome.crash) return outcome.crash;
  if (![0, 1, 2].includes(outcome.code)) return `exit code ${outcome.code}`;
  const internal = /^.*internal error.*$/m.exec(outcome.stderr);
  if (internal) return `internal error: ${internal[0].slice(0, 200)}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(outcome.stderr)) return "stack trace on stderr";
  return outcome.code === 2 ? usageViolation(outcome.stderr) : outputViolation(command, outcome.stdout);
}

/** Exit 2 is one line naming the problem. */
function usageViolation(stderr: string): string | null {
  const lines = stderr.replace(/\n$/, "").split("\n");
  if (lines.length !== 1) return `exit 2 with ${lines.length} stderr lines`;
  if (!/^locklint: \S/.test(lines[0]!)) return `exit 2 without a "locklint: " line: ${JSON.stringify(lines[0]!.slice(0, 200))}`;
  return null;
}

/** Exit 0 or 1 is a whole report. */
function outputViolation(command: Command, stdout: string): string | null {
  if (command.output === "json" || command.output === "sarif") {
    let report: { version?: unknown; runs?: unknown };
    try {
      report = JSON.parse(stdout) as { version?: unknown; runs?: unknown };
    } catch (error) {
      return `stdout is not JSON (${(error as Error).message})`;
    }
    if (command.output === "sarif" && (report.version !== "2.1.0" || !Array.isArray(report.runs))) return "stdout is not SARIF 2.1.0";
    return null;
  }
  const summary = SUMMARIES[command.output];
  const text = command.output === "markdown" ? stdout : (stdout.trimEnd().split("\n").at(-1) ?? "");
  if (!summary.test(text)) return `no summary line (${command.output}): ends ${JSON.stringify(stdout.slice(-120))}`;
  if (NO_STATEMENT[command.output]?.test(text)) return `a passing report of no statement (${command.output}): input without a statement is exit 2`;
  const raw = RAW.exec(stdout);
  if (raw)
    return `raw control character U+${raw[0].codePointAt(0)!.toString(16).padStart(4, "0").toUpperCase()} in ${command.output} output: ${JSON.stringify(stdout.slice(Math.max(0, raw.index - 60), raw.index + 20))}`;
  return null;
}

/** Lint's summary of a run that read no statement: an input that cannot be a migration must not pass. */
const NO_STATEMENT: Partial<Record<keyof typeof SUMMARIES, RegExp>> = {
  lintText: /^0 statements /,
  github: / in 0 statements$/,
  markdown: /^## locklint: .* in 0 statements/m,
};

/**
 * Characters a terminal acts on or reorders (C0/C1 controls but tab and newline, DEL, bidi controls):
 * a text report shows names from the input escaped, never raw. A CR before a newline (a CRLF file's line
 * echoed) moves nothing that is shown; a lone CR can overwrite the line.
 */
const RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

/** The kind of a violation, without its details: what minimising must keep failing the same way. */
export function violationKind(reason: string): string {
  return reason.replace(/[:(].*$/s, "").trim();
}
