// npm run calibrate: measures the throughput constants of locklint's hold-time estimates
// (src/cost/estimate.ts) on a real PostgreSQL, and compares what `locklint locks --stats` estimates
// with the times measured. The workload (test/support/hold-workload.ts): a table of ~100-byte rows
// (bigint primary key, int, text, timestamp columns) referencing a small one; a type change that
// rewrites, index builds on an int and a text column, CHECK, SET NOT NULL, VALIDATE, foreign keys, a
// volatile default, a backfill. Each operation runs --runs times in a rolled-back transaction; the
// median counts.
// Server: --db-url / DATABASE_URL (tables in a schema of their own, dropped afterwards), else the
// embedded PostgreSQL --pg (default 15) of `npm run servers`, else Debian's postgresql package.
// Usage: npm run calibrate [-- --rows 1000000,200000] [-- --runs 3] [-- --pg 15] [-- --db-url postgres://...]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { CALIBRATED, formatDuration } from "../../src/cost/estimate.js";
import { runCli } from "../support/cli.js";
import { buildTables, HOLD_OPERATIONS, holdHistory, median, timeOperation, WORK_UNIT } from "../support/hold-workload.js";
import { installed, startServer } from "../support/servers.js";
import { startTempPostgres } from "./temp-postgres.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rowCounts = (option("--rows") ?? "1000000").split(",").map(Number);
const runs = Number(option("--runs") ?? 3);
const major = Number(option("--pg") ?? 15);
const external = option("--db-url") || process.env.DATABASE_URL || undefined;
/** A schema of its own on a given server: nothing of the database's own is touched. */
const SCHEMA = "locklint_calibration";

const server = await connectServer();
if (!server) {
  console.error(
    `calibrate: no PostgreSQL server: give --db-url, set DATABASE_URL, run npm run servers (PostgreSQL ${major}), or install Debian's postgresql package`,
  );
  process.exit(2);
}
const db = server.db;
const dir = mkdtempSync(join(tmpdir(), "locklint-calibrate-"));
const version = (await db.query("SHOW server_version")).rows[0].server_version;
console.log(`calibrating on PostgreSQL ${version} (${server.what}), ${rowCounts.join(", ")} rows, ${runs} run${runs === 1 ? "" : "s"} of each operation`);

const samples = [];
const comparisons = [];
try {
  for (const rows of rowCounts) {
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
    await db.query(`SET search_path = ${SCHEMA}`);
    await buildTables(db, rows);
    const size = (
      await db.query(
        "SELECT pg_relation_size('events')::float8 AS heap, pg_total_relation_size('events')::float8 AS total, (SELECT count(*) FROM events)::float8 AS rows",
      )
    ).rows[0];
    const amount = { "heap bytes": size.heap, "total bytes": size.total, rows: size.rows };
    const stats = await statsFile(rows);
    const times = new Map(HOLD_OPERATIONS.map((op) => [op, []]));
    for (let run = 0; run < runs; run++) for (const op of HOLD_OPERATIONS) times.get(op).push(await timeOperation(db, op));
    for (const op of HOLD_OPERATIONS) {
      const ms = median(times.get(op));
      samples.push({ rows, op, amount: amount[WORK_UNIT[op.work]], ms, runs: times.get(op) });
      comparisons.push({ rows, op, ms, estimate: await estimate(op, stats) });
    }
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

// A constant per work: the median throughput of its operations over the sizes.
const constants = {};
for (const work of Object.keys(WORK_UNIT)) {
  const rates = samples.filter((s) => s.op.work === work).map((s) => s.amount / (s.ms / 1000));
  constants[work] = Math.round(median(rates));
}

const seconds = (ms) => `${(ms / 1000).toFixed(3)} s`;
console.log(`\n${"operation".padEnd(28)} ${"rows".padStart(9)}  ${"work".padEnd(10)} ${"amount".padEnd(21)} ${"median".padStart(9)}  runs`);
for (const s of samples) {
  const unit = WORK_UNIT[s.op.work];
  console.log(
    `${s.op.name.padEnd(28)} ${String(s.rows).padStart(9)}  ${s.op.work.padEnd(10)} ${s.amount.toExponential(2)} ${unit.padEnd(11)} ${seconds(s.ms).padStart(9)}  ${s.runs.map((ms) => (ms / 1000).toFixed(3)).join(", ")}`,
  );
}

console.log("\nlocklint locks --stats (the constants in src/cost/estimate.ts) against the measured median:");
console.log(`${"operation".padEnd(28)} ${"rows".padStart(9)}  ${"measured".padStart(9)}  ${"estimated".padEnd(20)} measured/central  verdict`);
for (const c of comparisons) {
  const { lowMs, highMs } = c.estimate;
  const central = Math.sqrt(lowMs * highMs);
  const verdict = c.ms >= lowMs && c.ms <= highMs ? "in range" : c.ms >= lowMs / 2 && c.ms <= highMs * 2 ? "within 2x of range" : "OUT";
  console.log(
    `${c.op.name.padEnd(28)} ${String(c.rows).padStart(9)}  ${seconds(c.ms).padStart(9)}  ${`${formatDuration(lowMs)} - ${formatDuration(highMs)}`.padEnd(20)} ${(c.ms / central).toFixed(2).padStart(16)}  ${verdict}`,
  );
}
console.log(
  `\ncommitted constants: ${Object.entries(CALIBRATED)
    .map(([k, v]) => `${k} ${v.toExponential(2)}`)
    .join(", ")}`,
);
console.log("throughput constants measured here (per second: bytes, rows for update):");
console.log(JSON.stringify({ postgres: version, ...constants }, null, 2));

/** The server: given, embedded (npm run servers) or Debian's; `db` runs SQL, `statsUrl` is what `locklint stats` connects to. */
async function connectServer() {
  if (external) {
    const client = new pg.Client(external);
    await client.connect();
    return {
      db: client,
      statsUrl: external,
      what: "given server",
      stop: () => client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).finally(() => client.end()),
    };
  }
  if (installed(major)) {
    const running = await startServer(major);
    const socket = (await running.session.query("SHOW unix_socket_directories")).rows[0].unix_socket_directories;
    return {
      db: running.session,
      statsUrl: `host=${socket} port=5432 user=postgres dbname=postgres`,
      what: `embedded PostgreSQL ${major}, npm run servers`,
      stop: () => running.stop(),
    };
  }
  const temp = startTempPostgres();
  if (!temp) return null;
  const client = new pg.Client(temp.url);
  await client.connect();
  return { db: client, statsUrl: temp.url, what: "throw-away local cluster", stop: () => client.end().finally(() => temp.stop()) };
}

/** `locklint stats` of the server, the calibration schema's tables as the history names them (public). */
async function statsFile(rows) {
  const path = join(dir, `stats-${rows}.json`);
  const result = await runCli(["stats", "--db-url", server.statsUrl, "-o", path]);
  if (result.code !== 0) throw new Error(`locklint stats failed: ${result.stderr}`);
  const stats = JSON.parse(readFileSync(path, "utf8"));
  stats.tables = stats.tables.filter((t) => t.schema === SCHEMA).map((t) => ({ ...t, schema: "public" }));
  writeFileSync(path, JSON.stringify(stats));
  return path;
}

/** What `locklint locks --stats` says of the operation's lock on events, in a history whose first revision created the tables. */
async function estimate(op, stats) {
  const { sql, line } = holdHistory(op);
  const path = join(dir, "history.sql");
  writeFileSync(path, sql);
  const result = await runCli(["locks", "--format", "json", "--stats", stats, path]);
  const statement = JSON.parse(result.stdout).statements.find((s) => s.line === line);
  return statement.locks.find((l) => l.relation === "events").estimate;
}
