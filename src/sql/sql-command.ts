import { startChild } from "../common/child-process.js";
import { UsageError } from "../common/errors.js";
import { DEFAULT_MAX_INPUT_MB, MB, readStream, type SourceFile } from "./source.js";

/**
 * `--sql-command`: runs a shell command (e.g. `alembic upgrade head --sql`) and reads its
 * standard output as SQL. Its stderr (alembic's log lines) is passed through, never mixed in.
 * A command that fails is an input error: linting half a migration would pass it silently.
 * Output over the size limit, or binary, stops the command (and what it started) at once.
 */
export async function readCommandOutput(
  command: string,
  options: { cwd?: string; env: NodeJS.ProcessEnv; stderr: { write(text: string): unknown }; timeoutSeconds: number; maxBytes?: number },
): Promise<SourceFile> {
  const name = `<${command}>`;
  const child = startChild(command, [], {
    cwd: options.cwd,
    env: options.env,
    shell: true,
    timeoutSeconds: options.timeoutSeconds,
    what: `--sql-command ${JSON.stringify(command)}`,
  });
  child.stderr.on("data", (chunk: Buffer) => options.stderr.write(chunk.toString()));
  // awaited after the output is read: keep its rejection handled meanwhile
  const exited = child.exited.then(
    (status) => ({ status }),
    (error: unknown) => ({ error }),
  );
  let source: SourceFile;
  try {
    source = await readStream(name, child.stdout, options.maxBytes ?? DEFAULT_MAX_INPUT_MB * MB);
  } catch (error) {
    // its complaints about the closed pipe are not news
    child.stderr.removeAllListeners("data").resume();
    child.stop();
    throw error;
  }
  const result = await exited;
  if ("error" in result) {
    if (result.error instanceof UsageError) throw result.error;
    throw new UsageError(
      `--sql-command: cannot run ${JSON.stringify(command)}: ${result.error instanceof Error ? result.error.message : String(result.error)}`,
    );
  }
  const { code, signal } = result.status;
  if (code !== 0)
    throw new UsageError(`--sql-command: ${JSON.stringify(command)} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; nothing was linted`);
  return source;
}
