// The child process the fuzz harness runs cases in (test/fuzz/runner.ts): the CLI in-process, as the
// tests run it, with the verdict computed here so that big reports never cross the IPC channel.
import { writeFileSync } from "node:fs";
import { runCli } from "../support/cli.js";
import { violation, type Command } from "./cases.js";
import { splitDisagreement } from "./oracle.js";

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

process.on("message", (job: Job) => void answer(job));

/** Runs one job and sends the verdict back. */
async function answer(job: Job): Promise<void> {
  const input = Buffer.from(job.input, "base64");
  // the runner's working directory is this process's own empty folder
  if (job.command.inputFile) writeFileSync(job.command.inputFile, input);
  const outcome = await runCli(job.command.args, job.command.inputFile ? "" : input).catch((error: unknown) => ({
    code: -1,
    stdout: "",
    stderr: "",
    crash: `run() threw: ${error instanceof Error ? error.stack : String(error)}`,
  }));
  process.send!({ code: outcome.code, violation: violation(job.command, outcome) ?? (await secondOpinion(job.command, input, outcome)) } satisfies Verdict);
}

/** On lint's JSON report of valid UTF-8 input: does PostgreSQL's parser agree about syntax errors? */
async function secondOpinion(command: Command, input: Buffer, outcome: { code: number; stdout: string }): Promise<string | null> {
  if (command.args.join(" ") !== "-f json" || outcome.code === 2) return null;
  return splitDisagreement(input, outcome.stdout);
}

// a run of the harness that ends, however it ends, takes this process with it
process.on("disconnect", () => process.exit(0));

// the runner sends nothing before this: a message sent while this module loads would be lost
process.send!("ready");
