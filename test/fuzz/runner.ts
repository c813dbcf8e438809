import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "./cases.js";
import type { Job, Verdict } from "./worker.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/**
 * Runs one command on one input at a time in a child process, so that a hang is a timeout (the child
 * is killed and replaced) and a crash of the process is a verdict, not the end of the fuzz run.
 */
export class CaseRunner {
  private child: ChildProcess | undefined;
  /** What the child wrote to its own stdout/stderr, outside the CLI's io: should stay empty. */
  private stray = "";
  /** An empty working directory: no project config is found, nothing lands in the repository. */
  private readonly cwd = mkdtempSync(join(tmpdir(), "locklint-fuzz-cwd-"));

  async run(command: Command, input: Buffer): Promise<Verdict> {
    const child = await this.start();
    this.stray = "";
    const verdict = await new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        this.stop();
        resolve({ code: -1, violation: `timeout: no result in ${command.timeoutMs / 1000} s` });
      }, command.timeoutMs);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        this.child = undefined;
        resolve({ code: -1, violation: `process died (${signal ?? `exit ${code}`}): ${this.stray.slice(0, 600)}` });
      };
      child.once("exit", onExit);
      child.once("message", (verdict: Verdict) => {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(verdict);
      });
      child.send({ command, input: input.toString("base64") } satisfies Job);
    });
    if (!verdict.violation && this.stray.trim()) return { ...verdict, violation: `wrote outside the CLI's streams: ${this.stray.slice(0, 300)}` };
    return verdict;
  }

  /** Stops the child and removes its working directory: the end of a fuzz run. */
  close(): void {
    this.stop();
    rmSync(this.cwd, { recursive: true, force: true });
  }

  stop(): void {
    this.child?.removeAllListeners("exit");
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }

  /** The child, once it has loaded the CLI; a child that cannot start stops the fuzz run (not a case's fault). */
  private async start(): Promise<ChildProcess> {
    if (this.child) return this.child;
    const child = fork(WORKER, [], {
      execArgv: ["--liftoff-only", "--import", TSX],
      cwd: this.cwd,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    child.stdout!.on("data", (d) => (this.stray += d));
    child.stderr!.on("data", (d) => (this.stray += d));
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`the fuzz worker (${WORKER}) exited ${code} while starting: ${this.stray}`)));
    });
    child.removeAllListeners("exit");
    child.on("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }
}
