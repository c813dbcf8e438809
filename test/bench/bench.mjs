// npm run bench: start-up on a small file beside the peers (startup.mjs), then end-to-end speed and peak
// memory of `locklint --format json` on generated alembic histories of 1, 5 and 10 MB (one transaction,
// thousands of revisions).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateHistory } from "./generate.mjs";
import { startup } from "./startup.mjs";
import { loadParser, parseStatements } from "../../src/sql/parse-batch.js";
import { splitStatements } from "../../src/sql/split.js";

const BIN = fileURLToPath(new URL("../../bin/locklint.js", import.meta.url));
const HOOK = fileURLToPath(new URL("./rss-hook.mjs", import.meta.url));
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), "locklint-bench-"));

function runOnce(file) {
  const rssFile = join(dir, "rss");
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--liftoff-only", "--import", HOOK, BIN, "--format", "json", "--fail-on", "never", file], {
    env: { ...process.env, LOCKLINT_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`locklint exited ${r.status}: ${r.stderr}`);
  const findings = JSON.parse(r.stdout).findings.length;
  return { seconds, rssMb: Number(readFileSync(rssFile, "utf8")) / 1024, findings };
}

/** The floor set by the parser: libpg-query alone on the same statements, in this process, warm. */
function parserAlone(sql) {
  const texts = [...splitStatements(sql)].filter((s) => s.kind === "statement").map((s) => sql.slice(s.start, s.end));
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < texts.length; i += 64) parseStatements(texts.slice(i, i + 64));
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return sql.length / 1024 / 1024 / best;
}

startup();

await loadParser();
console.log(
  `\nlocklint benchmark: node ${process.version}, best of ${RUNS} runs, end to end as bin/locklint.js runs (node --liftoff-only; process start, parse, analyse, JSON out)`,
);
console.log("size      revisions  statements  bytes/stmt  statements/s   MB/s   seconds  peak RSS  RSS per input MB  findings  parser alone");
for (const mb of [1, 5, 10]) {
  const { sql, revisions } = generateHistory(mb * 1024 * 1024);
  const file = join(dir, `history-${mb}mb.sql`);
  writeFileSync(file, sql);
  const statements = sql.split(";\n").length - 1;
  const runs = Array.from({ length: RUNS }, () => runOnce(file));
  const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const peak = Math.max(...runs.map((r) => r.rssMb));
  const mbs = sql.length / 1024 / 1024 / best.seconds;
  console.log(
    [
      `${String(mb).padStart(2)} MB`,
      String(revisions).padStart(11),
      String(statements).padStart(10),
      String(Math.round(sql.length / statements)).padStart(10),
      String(Math.round(statements / best.seconds)).padStart(12),
      mbs.toFixed(1).padStart(5),
      best.seconds.toFixed(2).padStart(8),
      `${peak.toFixed(0).padStart(5)} MB`,
      `${(peak / (sql.length / 1024 / 1024)).toFixed(0).padStart(13)} MB`,
      String(best.findings).padStart(8),
      `${parserAlone(sql).toFixed(1).padStart(7)} MB/s`,
    ].join("  "),
  );
}
console.log("targets: at least 5 MB/s at 5 MB, linear in size, peak RSS under 600 MB");

// locklint trace: cold start (embedded PostgreSQL) and statements per second on a smaller history
{
  const { sql, revisions } = generateHistory(100 * 1024);
  const file = join(dir, "trace-history.sql");
  writeFileSync(file, sql);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--liftoff-only", BIN, "trace", "--format", "json", file], { maxBuffer: 1 << 30, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const summary = JSON.parse(r.stdout).summary;
  console.log(
    `\ntrace: ${revisions} revisions, ${summary.statements} statements in ${seconds.toFixed(2)} s end to end; embedded PostgreSQL cold start ${summary.coldStartMs} ms; ${Math.round(summary.statements / (seconds - summary.coldStartMs / 1000))} statements/s after it; ${summary.disagreements} disagreements`,
  );
}
