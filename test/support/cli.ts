import { spawn, spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli/program.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/locklint.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How the launcher's shebang starts Node (`#!/usr/bin/env -S node --liftoff-only`). */
const NODE_ARGS = ["--liftoff-only", BIN];

/** The real launcher in a child process, as a user runs it (needs `npm run bundle`). */
export function runBin(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...options.env },
    encoding: "utf8",
    cwd: options.cwd ?? ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** As runBin, without blocking the event loop (needed when the test itself serves the database). */
export function runBinAsync(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...options.env }, cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end();
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Where the in-process CLI runs and what it sees of the environment (a test never changes the process's own). */
export interface InProcessOptions {
  /** The working directory the CLI is told about (configuration file, alembic.ini, paths shown); file arguments stay relative to the test's. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The CLI in-process with captured streams: what `bin/locklint.js` does, without starting a process. */
export async function runCli(args: string[], input: string | Uint8Array = "", stdinIsTTY = false, options: InProcessOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const stdin = Object.assign(Readable.from([bytes]), { isTTY: stdinIsTTY });
  const code = await run(args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin,
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/**
 * A test title that says why it is skipped when `available` is false, so that vitest's summary counts
 * and names it: `it.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, "alembic for /usr/bin/python3", "..."), ...)`.
 */
export function needs(available: boolean, what: string, title: string): string {
  return available ? title : `${title} (skipped: needs ${what})`;
}

/** Debian's Python, which has python3-alembic; the `python3` first on PATH may not. */
export const DEBIAN_PYTHON = "/usr/bin/python3";
/** Whether a real alembic can be run (tests that need it skip with a message when not). */
export const HAS_ALEMBIC = spawnSync(DEBIAN_PYTHON, ["-c", "import alembic"]).status === 0;
