// The child process the fuzz harness runs cases in (test/fuzz/runner.ts): the CLI in-process, as the
// tests run it, with the verdict computed here so that big reports never cross the IPC channel.
import { runCli } from "../support/cli.js";
import { violation, type Command } from "./cases.js";

export interface Job {
  command: Command;
  input: string; // base64
}

export interface Verdict {
  code: number;
  violation: string | null;
}

// An exception that escapes run() ends this process: the runner reports it for the case it sent.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) => {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send!({ code: -1, violation: `${event}: ${stack.split("\n").slice(0, 4).join(" | ")}` } satisfies Verdict, () => process.exit(70));
  });
}

process.on("message", async (job: Job) => {
  const outcome = await runCli(job.command.args, Buffer.from(job.input, "base64")).catch((error: unknown) => ({
    code: -1,
    stdout: "",
    stderr: "",
    crash: `run() threw: ${error instanceof Error ? error.stack : String(error)}`,
  }));
  process.send!({ code: outcome.code, violation: violation(job.command, outcome) } satisfies Verdict);
});

// the runner sends nothing before this: a message sent while this module loads would be lost
process.send!("ready");
