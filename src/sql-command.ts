import { spawn } from "node:child_process";
import { UsageError } from "./errors.js";
import { decodeSource, type SourceFile } from "./source.js";

/**
 * `--sql-command`: runs a shell command (e.g. `alembic upgrade head --sql`) and reads its
 * standard output as SQL. Its stderr (alembic's log lines) is passed through, never mixed in.
 * A command that fails is an input error: linting half a migration would pass it silently.
 */
export function readCommandOutput(command: string, options: { cwd?: string; env: NodeJS.ProcessEnv; stderr: { write(text: string): unknown } }): Promise<SourceFile> {
  const name = `<${command}>`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => options.stderr.write(chunk.toString()));
    child.on("error", (error) => reject(new UsageError(`--sql-command: cannot run ${JSON.stringify(command)}: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code !== 0) {
        reject(new UsageError(`--sql-command: ${JSON.stringify(command)} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; nothing was linted`));
        return;
      }
      try {
        resolve(decodeSource(name, Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}
