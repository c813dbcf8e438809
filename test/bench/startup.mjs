// Start-up: a whole `locklint` process on a small file (the 21 statements of samples/shop-risky), as
// pre-commit and CI run it, beside Squawk and pgfence on the same file. Runs are interleaved so that a
// change in the machine's speed hits every tool alike; the median is quoted.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { peers } from "./peers.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SAMPLE = "samples/shop-risky/upgrade.sql";
const RUNS = 15;
/** The Node.js that runs locklint, as the launcher's shebang would: LOCKLINT_BENCH_NODE, else this one. */
const NODE = process.env.LOCKLINT_BENCH_NODE ?? process.execPath;
/** GNU time reports the peak RSS of any process, not only of Node ones. */
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function runOnce(command) {
  const start = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ["-f", "%M", ...command], { cwd: ROOT, encoding: "utf8" })
    : spawnSync(command[0], command.slice(1), { cwd: ROOT, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status === null || r.status > 1) throw new Error(`${command.join(" ")} exited ${r.status}: ${r.stderr}`);
  const rssMb = TIME ? Number(r.stderr.trim().split("\n").at(-1)) / 1024 : NaN;
  return { seconds, rssMb };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function startup() {
  const tools = [["locklint", [NODE, "--liftoff-only", `${ROOT}bin/locklint.js`, SAMPLE]]];
  const found = peers();
  if (found.why) console.log(`start-up: peers not measured (${found.why})`);
  else tools.push(["squawk", found.squawk(SAMPLE)], ["pgfence", found.pgfence(SAMPLE)]);
  const runs = new Map(tools.map(([name]) => [name, []]));
  for (const [, command] of tools) runOnce(command); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [name, command] of tools) runs.get(name).push(runOnce(command));
  const nodeVersion = spawnSync(NODE, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(
    `\nstart-up: ${SAMPLE} (21 statements), whole process, median of ${RUNS} interleaved runs; locklint on node ${nodeVersion} (LOCKLINT_BENCH_NODE)`,
  );
  const locklint = median(runs.get("locklint").map((r) => r.seconds));
  for (const [name] of tools) {
    const seconds = median(runs.get(name).map((r) => r.seconds));
    const rss = Math.max(...runs.get(name).map((r) => r.rssMb));
    const ratio = name === "locklint" ? "" : `  locklint/${name} ${(locklint / seconds).toFixed(2)}x`;
    console.log(`${name.padEnd(9)} ${seconds.toFixed(3)} s  peak RSS ${Number.isNaN(rss) ? "?" : rss.toFixed(0)} MB${ratio}`);
  }
  console.log("targets: within 1.5x of squawk, peak RSS under 100 MB");
}
