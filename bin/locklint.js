#!/usr/bin/env node
// The locklint launcher: runs the compiled CLI (npm install builds dist/) and sets the exit code.
import { run } from "../dist/src/cli.js";

// A reader that stops early (`locklint ... | head`) closes the pipe: stop quietly, as other CLIs do.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
