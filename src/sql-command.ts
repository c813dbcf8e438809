import { startChild } from "./child-process.js";
import { UsageError } from "./errors.js";
import { decodeSource, type SourceFile } from "./source.js";

/**
 * `--sql-command`: runs a shell command (e.g. `alembic upgrade head --sql`) and reads its
 * standard output as SQL. Its stderr (alembic's log lines) is passed through, never mixed in.
 * A command that fails is an input error: linting half a migration would pass it silently.
 */
export function readCommandOutput(command: string, options: { cwd?: string; env: NodeJS.ProcessEnv; stderr: { write(text: string): unknown }; timeoutSeconds: number }): Promise<SourceFile> {
  const name = `<${command}>`;
  return new Promise((resolve, reject) => {
    // its own process group, stopped with what it started on --timeout and when locklint ends
    const child = startChild(command, [], { shell: true, cwd: options.cwd, env: options.env, timeoutSeconds: options.timeoutSeconds, what: `--sql-command ${JSON.stringify(command)}` });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => options.stderr.write(chunk.toString()));
    child.exited.then(
      ({ code, signal }) => {
        if (code !== 0) {
          reject(new UsageError(`--sql-command: ${JSON.stringify(command)} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; nothing was linted`));
          return;
        }
        try {
          resolve(decodeSource(name, Buffer.concat(chunks)));
        } catch (error) {
          reject(error);
        }
      },
      (error: Error) => reject(error instanceof UsageError ? error : new UsageError(`--sql-command: cannot run ${JSON.stringify(command)}: ${error.message}`)),
    );
  });
}
