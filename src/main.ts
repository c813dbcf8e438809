// The process around the CLI: what `locklint` runs (bundled into dist/locklint.mjs by `npm run bundle`).
import { run } from "./cli.js";

const [major] = process.versions.node.split(".").map(Number);
if (major! < 20) {
  process.stderr.write(`locklint: needs Node.js 20 or later; this is ${process.version} (${process.execPath})\n`);
  process.exit(2);
}

// A reader that stops early (`locklint ... | head`) closes the pipe: stop quietly, as other CLIs do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
