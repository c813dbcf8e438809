import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandLine, COMMANDS, TRACE_COMMANDS, violationKind, type Command } from "./cases.js";
import type { Seed } from "./corpus.js";
import { fuzzInput } from "./mutate.js";
import { Random } from "./random.js";
import type { CaseRunner } from "./runner.js";
import type { Verdict } from "./worker.js";

export interface FuzzOptions {
  seed: number;
  seconds: number;
  /** Stop after this many cases even with time left: the same cases on a fast machine and a slow one. */
  maxCases?: number;
  /** Every Nth case also goes through trace (embedded PostgreSQL, seconds a run); 0: never. */
  traceEvery: number;
  log: (line: string) => void;
}

export interface Failure {
  violation: string;
  args: string[];
  /** The original input, and the smallest one found that fails the same way. */
  file: string;
  minimised: string;
}

export interface FuzzResult {
  cases: number;
  runs: number;
  /** Runs by exit code: a run that is nearly always exit 2 tests the input checks, not the analysis. */
  exits: Record<number, number>;
  traceRuns: number;
  failures: Failure[];
}

/** Trace inputs are cut to this: PGlite runs every statement. */
const TRACE_INPUT_BYTES = 3000;

/** Runs generated cases until the time is up; each failure is saved, minimised, and logged with its file. */
export async function fuzz(seeds: readonly Seed[], runner: CaseRunner, options: FuzzOptions): Promise<FuzzResult> {
  const deadline = Date.now() + options.seconds * 1000;
  const saveDir = mkdtempSync(join(tmpdir(), "locklint-fuzz-"));
  const result: FuzzResult = { cases: 0, runs: 0, exits: {}, traceRuns: 0, failures: [] };
  const seen = new Set<string>();
  for (let n = 0; Date.now() < deadline && n < (options.maxCases ?? Infinity); n++) {
    // each case has its own generator: case n of a seed is the same whatever ran before it
    const random = new Random(options.seed * 1_000_003 + n);
    const input = fuzzInput(seeds, random);
    const traced = options.traceEvery > 0 && n % options.traceEvery === 0;
    const commands = traced ? [TRACE_COMMANDS[(n / options.traceEvery) % TRACE_COMMANDS.length]!] : COMMANDS;
    const bytes = traced ? input.bytes.subarray(0, TRACE_INPUT_BYTES) : input.bytes;
    for (const command of commands) {
      const verdict = await runOnce(runner, command, bytes);
      result.runs++;
      if (traced) result.traceRuns++;
      result.exits[verdict.code] = (result.exits[verdict.code] ?? 0) + 1;
      if (!verdict.violation) continue;
      const kind = `${command.args.join(" ")}: ${violationKind(verdict.violation)}`;
      const first = !seen.has(kind);
      seen.add(kind);
      if (!first) {
        options.log(`case ${n}: again ${kind}`);
        continue;
      }
      const failure = await save(
        saveDir,
        `case-${n}-${command.args.join("").replace(/[^a-z0-9-]/gi, "")}`,
        { command, bytes, violation: verdict.violation, seed: options.seed, n, recipe: input.recipe },
        runner,
      );
      result.failures.push(failure);
      options.log(
        `FAILURE case ${n} (${input.recipe.join(", ")}): ${commandLine(command, failure.minimised)}\n  ${verdict.violation}\n  original input: ${failure.file}; replay: npm run fuzz -- --replay ${failure.minimised}`,
      );
    }
    result.cases++;
  }
  return result;
}

/** A run that times out is tried once more: a busy machine is slow, a hang is slow twice. */
async function runOnce(runner: CaseRunner, command: Command, bytes: Buffer): Promise<Verdict> {
  const verdict = await runner.run(command, bytes);
  return verdict.violation && violationKind(verdict.violation) === "timeout" ? runner.run(command, bytes) : verdict;
}

interface Case {
  command: Command;
  bytes: Buffer;
  violation: string;
  seed: number;
  n: number;
  recipe: string[];
}

async function save(dir: string, name: string, failing: Case, runner: CaseRunner): Promise<Failure> {
  const file = join(dir, `${name}.sql`);
  const minimised = join(dir, `${name}.min.sql`);
  writeFileSync(file, failing.bytes);
  const meta = { seed: failing.seed, case: failing.n, args: failing.command.args, violation: failing.violation, recipe: failing.recipe };
  writeFileSync(`${file}.json`, JSON.stringify(meta, null, 2) + "\n");
  const smallest = await minimise(failing.command, failing.bytes, violationKind(failing.violation), runner);
  writeFileSync(minimised, smallest);
  writeFileSync(`${minimised}.json`, JSON.stringify(meta, null, 2) + "\n");
  return { violation: failing.violation, args: failing.command.args, file, minimised };
}

/** Tries and seconds per failure; timeouts are not minimised (each try would wait for the bound). */
const MINIMISE_TRIES = 400;
const MINIMISE_SECONDS = 60;

/**
 * Removes chunks of lines, then of bytes, as long as the input still fails the same way
 * (delta debugging, greedy): what is left is what the failure needs.
 */
export async function minimise(command: Command, bytes: Buffer, kind: string, runner: CaseRunner): Promise<Buffer> {
  if (kind === "timeout") return bytes;
  let tries = 0;
  const deadline = Date.now() + MINIMISE_SECONDS * 1000;
  const inBudget = () => tries < MINIMISE_TRIES && Date.now() < deadline;
  const failsAlike = async (candidate: Buffer) => {
    tries++;
    const verdict = await runner.run(command, candidate);
    return verdict.violation !== null && violationKind(verdict.violation) === kind;
  };
  let current = bytes;
  for (const unit of ["line", "byte"] as const) {
    let parts = split(current, unit);
    for (let chunk = Math.max(1, parts.length >> 1); chunk >= 1 && inBudget(); chunk >>= 1) {
      for (let start = 0; start < parts.length && inBudget();) {
        const candidate = [...parts.slice(0, start), ...parts.slice(start + chunk)];
        if (candidate.length > 0 && (await failsAlike(Buffer.concat(candidate)))) parts = candidate;
        else start += chunk;
      }
    }
    current = Buffer.concat(parts);
  }
  return current;
}

function split(bytes: Buffer, unit: "line" | "byte"): Buffer[] {
  if (unit === "byte") return [...bytes].map((b) => Buffer.from([b]));
  // a line ends after \n or a lone \r (old Mac files, and a mutation of the fuzz)
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] !== 10)) {
      parts.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  return parts;
}
