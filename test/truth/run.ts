/**
 * The truth matrix: every case of test/truth/cases.ts on each PostgreSQL major asked for (servers
 * from .cache/postgres, `npm run servers`; 18 is PGlite), graded against `locklint locks
 * --pg-version N --format json`. Writes .cache/truth/report.json (every case, observed, predicted,
 * differences) and .cache/truth/summary.md (per family and version, and the misses).
 *
 *   npx tsx test/truth/run.ts [--majors 15,17,18] [--family "create index"] [--grep TEXT] [--out DIR]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyze } from "../../src/lint/analyze.js";
import { factRows } from "../../src/locks/facts.js";
import { loadParser } from "../../src/sql/parse.js";
import { decodeSource } from "../../src/sql/source.js";
import { ROOT } from "../support/cli.js";
import { installed } from "../support/servers.js";
import { CASES, type FamilyCase } from "./cases.js";
import { truthFixture } from "./fixture.js";
import { ASPECTS, runCase, startEngine, type CaseResult } from "./harness.js";
import { summarize } from "./summary.js";

interface Options {
  majors: number[];
  family: string | null;
  grep: string | null;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { majors: [15, 17, 18], family: null, grep: null, out: join(ROOT, ".cache", "truth") };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return next;
    };
    switch (argv[i]) {
      case "--majors":
        options.majors = value()
          .split(",")
          .map((m) => Number(m.trim()));
        break;
      case "--family":
        options.family = value();
        break;
      case "--grep":
        options.grep = value();
        break;
      case "--out":
        options.out = value();
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (--majors 15,17,18 --family NAME --grep TEXT --out DIR)`);
    }
  }
  return options;
}

/** The rows of src/locks/facts.ts the cases reach (as locklint reads them), per row id and role. */
function factCoverage(cases: FamilyCase[], major: number): { reached: string[]; missing: string[] } {
  const reached = new Set<string>();
  for (const c of cases) {
    const script = `${truthFixture(major)}\nBEGIN;\n${c.prep ? `${c.prep};\n` : ""}${c.sql};\nCOMMIT;\n`;
    const file = decodeSource("truth-case.sql", new TextEncoder().encode(script));
    const statements = analyze([file], { pgVersion: major, rules: [], keepStatements: true }).analyzed;
    const found = statements.filter((s) => s.statement.sql === c.sql).pop();
    for (const effect of found?.effects.operations ?? []) for (const used of effect.facts) reached.add(used);
  }
  const all: string[] = [];
  for (const [id, row] of factRows()) for (const role of Object.keys(row.roles)) all.push(`${id} / ${role}`);
  return { reached: all.filter((r) => reached.has(r)), missing: all.filter((r) => !reached.has(r)) };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await loadParser();
  const cases = CASES.filter((c) => (!options.family || c.family === options.family) && (!options.grep || c.sql.includes(options.grep)));
  const results: Record<string, CaseResult[]> = {};
  const versions: Record<string, string> = {};
  const skipped: string[] = [];
  for (const major of options.majors) {
    if (major < 18 && !installed(major)) {
      skipped.push(`PostgreSQL ${major}: not installed (npm run servers)`);
      continue;
    }
    const started = Date.now();
    const engine = await startEngine(major);
    versions[major] = `${engine.target.engine === "pglite" ? "PGlite" : "PostgreSQL"} ${engine.version}`;
    const list: CaseResult[] = [];
    try {
      for (const [i, c] of cases.entries()) {
        list.push(await runCase(engine, c));
        if ((i + 1) % 50 === 0) process.stderr.write(`${versions[major]}: ${i + 1}/${cases.length}\n`);
      }
    } finally {
      await engine.stop();
    }
    results[major] = list;
    process.stderr.write(`${versions[major]}: ${cases.length} cases in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  const coverage = factCoverage(cases, Math.min(...options.majors));
  mkdirSync(options.out, { recursive: true });
  const report = { generated: new Date().toISOString(), versions, skipped, aspects: ASPECTS, coverage, results };
  writeFileSync(join(options.out, "report.json"), `${JSON.stringify(report, null, 1)}\n`);
  const summary = summarize(report);
  writeFileSync(join(options.out, "summary.md"), summary);
  process.stdout.write(summary);
}

await main();
