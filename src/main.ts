// The process around the CLI: what `locklint` runs (bundled into dist/locklint.mjs by `npm run bundle`).
import { run, stdoutFailure, EXIT_USAGE } from "./cli/program.js";

const [major] = process.versions.node.split(".").map(Number);
if (major! < 20) {
  process.stderr.write(`locklint: needs Node.js 20 or later; this is ${process.version} (${process.execPath})\n`);
  process.exit(2);
}

// A reader that stops early (`locklint ... | head`) closes the pipe: stop quietly, as other CLIs do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  // any other failure lost the report: one line and exit 2, never a stack (nor 1, which means findings)
  process.stderr.write(`locklint: ${stdoutFailure(error)}\n`);
  process.exit(EXIT_USAGE);
});

process.exitCode = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
