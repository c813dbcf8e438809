#!/usr/bin/env node
// The locklint launcher: runs the compiled CLI (npm install builds dist/) and sets the exit code.
import { run } from "../dist/src/cli.js";

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
