import type { ReportStream } from "../report/stream.js";

/** The process around a run of the CLI: the tests give their own. */
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
/** A usage or input error (never 1, which means findings). */
export const EXIT_USAGE = 2;
/** locklint failed on a statement (a bug): outranks the findings' 1, as a usage error does. */
export const EXIT_INTERNAL = 2;
