// Recall of Squawk: of the statements Squawk flags in a folder of example .sql files, how many locklint
// flags too (any finding of any rule on the same statement), grouped by the Squawk rule.
//
//   npx tsx test/bench/squawk-recall.mjs DIR [--list RULE]
//
// DIR holds the examples (Squawk's rule docs and rule tests, extracted outside the repository: their SQL
// is not ours to ship). Squawk 2.66.0 (squawk-cli, installed by peers.mjs outside the repository) runs
// with its default rules and no --assume-in-transaction; locklint runs in-process on each file twice,
// with its default rules (what users get) and with --rules all. A statement is the span the splitter
// gives; a finding belongs to the statement its first character falls in. --list RULE prints the
// statements of that Squawk rule (or of any, with `any`) that locklint misses with default rules.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { peers } from "./peers.mjs";
import { run } from "../../src/cli/program.js";
import { splitStatements } from "../../src/sql/split.js";

const args = process.argv.slice(2);
const dir = args[0];
const listRule = args.includes("--list") ? args[args.indexOf("--list") + 1] : undefined;
if (!dir) {
  process.stderr.write("usage: tsx test/bench/squawk-recall.mjs DIR [--list RULE]\n");
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".sql"))
  .sort();

/** Start offsets of the statements of a text. */
function statementStarts(text) {
  return [...splitStatements(text)].filter((s) => s.kind === "statement").map((s) => s.start);
}

/** Offset of a 0-based line and column. */
function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + column;
}

/** Index of the statement an offset falls in (the last one starting at or before it). */
function statementAt(starts, offset) {
  let index = 0;
  for (let i = 0; i < starts.length; i++) if (starts[i] <= offset) index = i;
  return index;
}

function squawkFindings() {
  const found = peers();
  if (found.why) throw new Error(found.why);
  const [bin, ...rest] = found.squawk("");
  const r = spawnSync(bin, [...rest.filter(Boolean), "--reporter", "json", ...files], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`squawk exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function locklintFindings(file, rules) {
  let stdout = "";
  const code = await run(["lint", "--format", "json", "--fail-on", "never", "--rules", rules, file], {
    cwd: resolve(dir),
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    stdout: { write: (t) => (stdout += t), isTTY: false },
    stderr: { write: () => {} },
    env: {},
  });
  if (code !== 0 && code !== 1) throw new Error(`locklint exited ${code} on ${file}`);
  return JSON.parse(stdout).findings;
}

const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const starts = new Map(files.map((f) => [f, statementStarts(texts.get(f))]));
const key = (file, line0, column0) => `${file}#${statementAt(starts.get(file), offsetOf(texts.get(file), line0, column0))}`;

/** Squawk rule -> statements it flags. */
const squawk = new Map();
for (const v of squawkFindings()) {
  if (!squawk.has(v.rule_name)) squawk.set(v.rule_name, new Set());
  squawk.get(v.rule_name).add(key(v.file, v.line, v.column));
}

/** locklint's flagged statements (and by which rules) for one rule selection. */
async function locklint(rules) {
  const flagged = new Map();
  for (const file of files) {
    for (const f of await locklintFindings(join(resolve(dir), file), rules)) {
      const k = key(file, f.line - 1, f.column - 1);
      flagged.set(k, [...(flagged.get(k) ?? []), f.rule]);
    }
  }
  return flagged;
}

const selections = { default: await locklint("default"), all: await locklint("all") };
const allSquawk = new Set([...squawk.values()].flatMap((s) => [...s]));
const count = (set, flagged) => [...set].filter((k) => flagged.has(k)).length;
const pct = (n, d) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);

process.stdout.write(`${files.length} files, ${[...starts.values()].reduce((n, s) => n + s.length, 0)} statements; Squawk flags ${allSquawk.size}\n\n`);
process.stdout.write(`| Squawk rule | statements | locklint default | locklint all |\n| --- | ---: | ---: | ---: |\n`);
for (const [rule, set] of [...squawk].sort(([a], [b]) => a.localeCompare(b))) {
  const d = count(set, selections.default);
  const a = count(set, selections.all);
  process.stdout.write(`| ${rule} | ${set.size} | ${d} (${pct(d, set.size)}) | ${a} (${pct(a, set.size)}) |\n`);
}
const d = count(allSquawk, selections.default);
const a = count(allSquawk, selections.all);
process.stdout.write(`| **any rule** | ${allSquawk.size} | ${d} (${pct(d, allSquawk.size)}) | ${a} (${pct(a, allSquawk.size)}) |\n`);

if (listRule) {
  process.stdout.write(`\nmissed by locklint (default rules), Squawk rule ${listRule}:\n`);
  for (const k of listRule === "any" ? allSquawk : (squawk.get(listRule) ?? [])) {
    if (selections.default.has(k)) continue;
    const rules = [...squawk].filter(([, set]) => set.has(k)).map(([rule]) => rule);
    process.stdout.write(`[${rules.join(" ")}${selections.all.has(k) ? "; --rules all: " + selections.all.get(k).join(" ") : ""}] `);
    const [file, index] = k.split("#");
    const text = texts.get(file);
    const s = [...splitStatements(text)].filter((x) => x.kind === "statement")[Number(index)];
    process.stdout.write(`${file}: ${text.slice(s.start, s.end).replace(/\s+/g, " ").slice(0, 150)}\n`);
  }
}
