// npm run calibrate: measures the throughput constants of locklint's lock-time estimates on a real
// PostgreSQL: sequential scan, CHECK validation, index build, table rewrite and row updates, on
// tables of known sizes, and how far the constants' estimates land from the measured times.
// Server: --db-url / DATABASE_URL, else a throw-away native cluster (Debian's postgresql package).
// Usage: npm run calibrate [-- --sizes 10,100,1000] [-- --db-url postgres://...]
import pg from "pg";
import { startTempPostgres } from "./temp-postgres.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizesMb = (option("--sizes") ?? "10,100").split(",").map(Number);
const external = option("--db-url") || process.env.DATABASE_URL || undefined;
const temp = external ? null : startTempPostgres();
if (!external && !temp) {
  console.error("calibrate: no PostgreSQL server: give --db-url, set DATABASE_URL, or install Debian's postgresql package");
  process.exit(2);
}
const client = new pg.Client(external ?? temp.url);
await client.connect();

/** The work each operation does, and the quantity its throughput is measured in. */
const OPERATIONS = [
  { name: "scan", unit: "heap bytes", sql: "SELECT count(*) FROM calibration WHERE n < 0", size: (s) => s.heap },
  { name: "validate", unit: "heap bytes", sql: "ALTER TABLE calibration ADD CONSTRAINT calibration_n CHECK (n >= 0)", size: (s) => s.heap },
  { name: "index", unit: "heap bytes", sql: "CREATE INDEX calibration_id ON calibration (id)", size: (s) => s.heap },
  { name: "rewrite", unit: "total bytes", sql: "ALTER TABLE calibration ALTER COLUMN n TYPE bigint", size: (s) => s.total },
  { name: "update", unit: "rows", sql: "UPDATE calibration SET n = n + 1", size: (s) => s.rows },
];

async function sizes() {
  const r = await client.query(
    "SELECT pg_relation_size('calibration')::float8 AS heap, pg_total_relation_size('calibration')::float8 AS total, (SELECT count(*) FROM calibration)::float8 AS rows",
  );
  return r.rows[0];
}

async function timed(sql) {
  const start = process.hrtime.bigint();
  await client.query(sql);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const version = (await client.query("SHOW server_version")).rows[0].server_version;
console.log(`calibrating on PostgreSQL ${version} (${external ? "given server" : "throw-away local cluster"}), table sizes ${sizesMb.join(", ")} MB`);
const samples = [];
for (const mb of sizesMb) {
  await client.query("DROP TABLE IF EXISTS calibration");
  await client.query("CREATE TABLE calibration (id bigint, n int, payload text)");
  // ~150 bytes a row on disk
  const rows = Math.round((mb * 1024 * 1024) / 150);
  await client.query(
    `INSERT INTO calibration SELECT g, g % 1000, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, ${rows}) g`,
  );
  await client.query("VACUUM ANALYZE calibration");
  await client.query("CHECKPOINT");
  for (const op of OPERATIONS) {
    const before = await sizes();
    const seconds = await timed(op.sql);
    samples.push({ mb, op: op.name, unit: op.unit, amount: op.size(before), seconds });
  }
}
await client.query("DROP TABLE IF EXISTS calibration");
await client.end();
temp?.stop();

// A constant per operation: the median throughput over the sizes.
const constants = {};
for (const op of OPERATIONS) {
  const rates = samples
    .filter((s) => s.op === op.name)
    .map((s) => s.amount / s.seconds)
    .sort((a, b) => a - b);
  constants[op.name] = Math.round(rates[Math.floor(rates.length / 2)]);
}
console.log("\nop        size     amount          measured   estimated  measured/estimated");
for (const s of samples) {
  const estimate = s.amount / constants[s.op];
  console.log(
    `${s.op.padEnd(9)} ${String(s.mb).padStart(5)} MB  ${s.amount.toExponential(2).padStart(9)} ${s.unit.padEnd(11)} ${s.seconds.toFixed(3).padStart(7)} s  ${estimate.toFixed(3).padStart(7)} s  ${(s.seconds / estimate).toFixed(2).padStart(6)}`,
  );
}
console.log("\nthroughput constants (per second):");
console.log(JSON.stringify({ postgres: version, ...constants }, null, 2));
