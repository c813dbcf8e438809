// npm run snapshot -- save DIR | compare DIR: the JSON output (lint with every rule, and locks) of every
// sample, every rule's documented example and safe way, and every file of ../shared/corpus/alembic.
// Save before a change that must not change behaviour (a refactoring), compare after: the files that
// differ are listed and the exit code is 1.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RULES } from "../../rules/index.js";
import { run } from "../../src/cli/program.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CORPUS = join(ROOT, "../shared/corpus/alembic");

/** Every input, by the name its outputs are saved under. */
function inputs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const sample of readdirSync(join(ROOT, "samples"), { withFileTypes: true })) {
    if (!sample.isDirectory()) continue;
    for (const name of ["upgrade.sql", "downgrade.sql"]) files.set(`samples-${sample.name}-${name}`, join(ROOT, "samples", sample.name, name));
  }
  // one fixed place: the outputs name the file, and must name the same one in both snapshots
  const examples = join(tmpdir(), "locklint-snapshot-examples");
  mkdirSync(examples, { recursive: true });
  for (const rule of RULES) {
    for (const [kind, sql] of [
      ["example", rule.docs.example],
      ["use-instead", rule.docs.useInstead],
    ] as const) {
      const file = join(examples, `${rule.id}-${kind}.sql`);
      writeFileSync(file, sql);
      files.set(`rule-${rule.id}-${kind}`, file);
    }
  }
  let corpus: string[] = [];
  try {
    corpus = readdirSync(CORPUS).filter((name) => name.endsWith(".sql"));
  } catch {
    console.warn(`SKIPPED: the corpus (${CORPUS} is not there)`);
  }
  for (const name of corpus) files.set(`corpus-${name}`, join(CORPUS, name));
  return files;
}

/** The CLI in-process, output captured (a missing sample file is a result like any other). */
async function output(args: string[]): Promise<string> {
  let text = "";
  const write = (t: string) => ((text += t), true);
  const stdin = Object.assign((async function* () {})(), { isTTY: true });
  const code = await run(args, { cwd: ROOT, stdin, stdout: { write }, stderr: { write }, env: {} });
  return `${text}exit ${code}\n`;
}

async function snapshot(): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  for (const [name, file] of inputs()) {
    outputs.set(`${name}.lint.json`, await output(["--format", "json", "--rules", "all", "--fail-on", "never", file]));
    outputs.set(`${name}.locks.json`, await output(["locks", "--format", "json", file]));
  }
  return outputs;
}

const [command, dir] = process.argv.slice(2);
if ((command !== "save" && command !== "compare") || !dir) {
  console.error("usage: npm run snapshot -- save DIR | compare DIR");
  process.exit(2);
}
const outputs = await snapshot();
if (command === "save") {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of outputs) writeFileSync(join(dir, name), text);
  console.log(`saved ${outputs.size} outputs to ${dir}`);
} else {
  const differing = [...outputs].filter(([name, text]) => {
    try {
      return readFileSync(join(dir, name), "utf8") !== text;
    } catch {
      return true; // not in the saved snapshot
    }
  });
  for (const [name] of differing) console.log(`differs: ${name}`);
  console.log(`${outputs.size - differing.length} of ${outputs.size} outputs as saved in ${dir}`);
  process.exitCode = differing.length > 0 ? 1 : 0;
}
