// npm run fuzz [-- --seconds N] [--seed N|random] [--trace-every N] [--replay FILE [--trace]]
// The long fuzz run (the short one is in test/integration/fuzz.test.ts): mutated windows of real alembic output through
// every command and format, in-process, each run bounded in time. Exit 1 when any run broke the rules.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { commandLine, COMMANDS, TRACE_COMMANDS, type Command } from "./cases.js";
import { loadSeeds } from "./corpus.js";
import { fuzz } from "./fuzz.js";
import { CaseRunner } from "./runner.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "300" },
    seed: { type: "string", default: "random" },
    "trace-every": { type: "string", default: "200" },
    replay: { type: "string" },
    trace: { type: "boolean", default: false },
  },
});

const runner = new CaseRunner();
try {
  process.exitCode = values.replay ? await replay(values.replay, values.trace) : await longRun();
} finally {
  runner.close();
}

async function longRun(): Promise<number> {
  const seed = values.seed === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const seconds = Number(values.seconds);
  console.log(`locklint fuzz: seed ${seed}, ${seconds} s (repeat: npm run fuzz -- --seed ${seed} --seconds ${seconds})`);
  const start = Date.now();
  const result = await fuzz(loadSeeds(), runner, { seed, seconds, traceEvery: Number(values["trace-every"]), log: (line) => console.log(line) });
  const elapsed = (Date.now() - start) / 1000;
  const exits = Object.entries(result.exits)
    .map(([code, n]) => `exit ${code}: ${n}`)
    .join(", ");
  console.log(
    `${result.cases} cases, ${result.runs} runs (${result.traceRuns} of trace; ${exits}) in ${elapsed.toFixed(0)} s (${(result.cases / elapsed).toFixed(1)} cases/s), ${result.failures.length} distinct failures`,
  );
  return result.failures.length > 0 ? 1 : 0;
}

/** Runs a saved input again: with the command its .json names, or with every command (trace too with --trace). */
async function replay(file: string, withTrace: boolean): Promise<number> {
  const meta = existsSync(`${file}.json`) ? (JSON.parse(readFileSync(`${file}.json`, "utf8")) as { args: string[]; violation: string }) : undefined;
  const commands: Command[] = meta
    ? [...COMMANDS, ...TRACE_COMMANDS].filter((c) => c.args.join(" ") === meta.args.join(" "))
    : withTrace
      ? [...COMMANDS, ...TRACE_COMMANDS]
      : COMMANDS;
  if (meta) console.log(`recorded: locklint ${meta.args.join(" ")}: ${meta.violation}`);
  let failed = 0;
  for (const command of commands) {
    const verdict = await runner.run(command, readFileSync(file));
    console.log(`${commandLine(command, file)}: exit ${verdict.code}, ${verdict.violation ?? "ok"}`);
    if (verdict.violation) failed++;
  }
  return failed > 0 ? 1 : 0;
}
