import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, needs } from "../support/cli.js";

const serverInstalled =
  existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").some((v) => existsSync(join("/usr/lib/postgresql", v, "bin", "initdb")));

describe.skipIf(!serverInstalled)(needs(serverInstalled, "Debian's postgresql package (apt-get install -y postgresql)", "npm run calibrate"), () => {
  it("measures every throughput constant on a throw-away native PostgreSQL and compares estimates with measured times", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "test/bench/calibrate.mjs"), "--sizes", "1,2"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/calibrating on PostgreSQL \d+/);
    const constants = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as Record<string, number>;
    for (const key of ["scan", "validate", "index", "rewrite", "update"]) expect(constants[key]).toBeGreaterThan(0);
    const ratios = [...r.stdout.matchAll(/s\s+([\d.]+)\n/g)].map((m) => Number(m[1]));
    expect(ratios).toHaveLength(10);
  }, 120_000);
});
