import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/locklint.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real launcher in a child process, as a user runs it (needs `npm run build`). */
export function runBin(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...options.env },
    encoding: "utf8",
    cwd: ROOT,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI in-process with captured streams: fast enough for property tests. */
export async function runCli(args: string[], input: string | Uint8Array = "", stdinIsTTY = false): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(
    (async function* () {
      yield typeof input === "string" ? new TextEncoder().encode(input) : input;
    })(),
    { isTTY: stdinIsTTY },
  );
  const code = await run(args, {
    stdin,
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  });
  return { code, stdout, stderr };
}
