import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, needs } from "../support/cli.js";
import { installed } from "../support/servers.js";

const debian = existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").some((v) => existsSync(join("/usr/lib/postgresql", v, "bin", "initdb")));
const serverInstalled = installed(15) || debian;

describe.skipIf(!serverInstalled)(needs(serverInstalled, "PostgreSQL 15 (npm run servers) or Debian's postgresql package", "npm run calibrate"), () => {
  it("measures every throughput constant on a throw-away server and compares locks --stats estimates with the measured times", () => {
    // small tables, one run of each operation: the workload and the comparison work, not the constants
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "test/bench/calibrate.mjs"), "--rows", "20000,40000", "--runs", "1"], {
      encoding: "utf8",
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/calibrating on PostgreSQL \d+/);
    const constants = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as Record<string, number>;
    for (const key of ["validate", "foreignKey", "index", "rewrite", "update"]) expect(constants[key]).toBeGreaterThan(0);
    // one verdict per operation and size
    expect([...r.stdout.matchAll(/ (in range|within 2x of range|OUT)\n/g)]).toHaveLength(20);
  }, 180_000);
});
