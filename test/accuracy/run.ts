import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installed, startServer } from "../support/servers.js";
import { measureAccuracy, type AccuracyReport } from "./accuracy.js";
import { corpusFiles, PG_MAJOR } from "./corpus.js";
import { markdown } from "./report.js";

/**
 * npx tsx test/accuracy/run.ts [--per-rule 15] [--seed 18] [--files dify,polar] [--markdown PATH] [--from-json]
 *
 * Lints the 11 alembic histories of the corpus, samples up to N findings per rule, replays each on
 * PostgreSQL 15 and judges it; writes .cache/accuracy/rules.json and the markdown section.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const perRule = Number(option("per-rule") ?? 15);
const seed = Number(option("seed") ?? 18);
const only = option("files")?.split(",");
const files = corpusFiles().filter((f) => !only || only.some((o) => f.endsWith(`/${o}.sql`) || f.endsWith(`/${o}`)));
if (files.length === 0) {
  console.error("no corpus files (expected /work/shared/corpus/alembic/*.sql)");
  process.exit(2);
}
if (!installed(PG_MAJOR)) {
  console.error(`PostgreSQL ${PG_MAJOR} is not installed: npm run servers`);
  process.exit(2);
}

// --from-json: only render the markdown again from the last measurement
if (process.argv.includes("--from-json")) {
  const text = markdown(JSON.parse(readFileSync(join(ROOT, ".cache", "accuracy", "rules.json"), "utf8")) as AccuracyReport);
  const out = option("markdown");
  if (out) writeFileSync(out, text);
  console.log(text);
  process.exit(0);
}

const started = Date.now();
const server = await startServer(PG_MAJOR);
try {
  const report = await measureAccuracy({ files, perRule, seed, server, log: (line) => console.error(line) });
  const dir = join(ROOT, ".cache", "accuracy");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "rules.json"), JSON.stringify(report, null, 2) + "\n");
  const text = markdown(report);
  const out = option("markdown");
  if (out) writeFileSync(out, text);
  console.log(text);
  console.error(`done in ${Math.round((Date.now() - started) / 1000)} s; JSON: .cache/accuracy/rules.json`);
} finally {
  await server.stop();
}
