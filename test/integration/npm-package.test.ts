import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/cli.js";
import { PGLITE_PACKAGE } from "../../src/trace/database.js";

// The npm package as `npm publish` would ship it: `npm pack` of this checkout (needs `npm run bundle`),
// installed into an empty project the way a user installs it.
interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  scripts: Record<string, string>;
}
const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;
const MB = 1024 * 1024;

function npm(cwd: string, ...args: string[]) {
  const result = spawnSync("npm", ["--no-audit", "--no-fund", "--loglevel=error", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The installed `locklint` command, as the shebang starts it. */
function locklint(project: string, ...args: string[]) {
  const result = spawnSync(join(project, "node_modules/.bin/locklint"), args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function installedBytes(dir: string): number {
  return Number(spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0]);
}

describe("the npm package", () => {
  const work = mkdtempSync(join(tmpdir(), "locklint-npm-"));
  const project = join(work, "project");
  let files: { path: string; size: number }[] = [];

  beforeAll(() => {
    const [packed] = JSON.parse(npm(ROOT, "pack", "--json", "--pack-destination", work)) as [{ filename: string; files: { path: string; size: number }[] }];
    files = packed.files;
    mkdirSync(project);
    npm(project, "init", "--yes");
    npm(project, "install", "--offline", join(work, packed.filename));
  }, 60_000);

  it("ships the launcher, the bundle with its WASM and licences, the docs, and nothing of the sources", () => {
    const paths = files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith("docs/")).sort()).toEqual([
      "LICENSE",
      "README.md",
      "bin/locklint.js",
      "dist/THIRD-PARTY-LICENSES.txt",
      "dist/libpg-query.wasm",
      "dist/locklint.mjs",
      "package.json",
    ]);
    expect(paths).toContain("docs/rules/require-concurrent-index-creation.md");
  });

  it("needs nothing at run time: no dependencies, PGlite an optional peer of the version the tests use", () => {
    expect(packageJson.dependencies ?? {}).toEqual({});
    expect(packageJson.peerDependenciesMeta["@electric-sql/pglite"]).toEqual({ optional: true });
    expect(PGLITE_PACKAGE).toBe(`@electric-sql/pglite@${packageJson.peerDependencies["@electric-sql/pglite"]}`);
    expect(packageJson.devDependencies["@electric-sql/pglite"]).toBe(packageJson.peerDependencies["@electric-sql/pglite"]);
    expect(Object.keys(packageJson.scripts)).not.toContain("prepare");
    expect(Object.keys(packageJson.scripts)).not.toContain("install");
    expect(Object.keys(packageJson.scripts)).not.toContain("postinstall");
  });

  it("installs into an empty project in under 5 MB and lints from there", () => {
    expect(installedBytes(join(project, "node_modules"))).toBeLessThan(5 * MB);
    expect(locklint(project, "--version").stdout).toBe(`${packageJson.version}\n`);
    const lint = locklint(project, "samples/shop-risky/upgrade.sql");
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain("samples/shop-risky/upgrade.sql:31:1  error  require-concurrent-index-creation");
    expect(lint.stdout).toContain("21 statements in 1 file: 7 errors, 9 warnings");
  });

  it("trace says in one line how to add PGlite, and runs once it is installed beside", () => {
    const without = locklint(project, "trace", "samples/shop-safe/upgrade.sql");
    expect(without.code).toBe(2);
    expect(without.stderr).toBe(
      `locklint: trace needs the embedded PostgreSQL (PGlite), which this install of locklint does not include: npm install ${PGLITE_PACKAGE} beside it (the Python package ships it), or trace on a server with --db-url\n`,
    );
    npm(project, "install", "--prefer-offline", PGLITE_PACKAGE);
    const traced = locklint(project, "trace", "samples/shop-safe/upgrade.sql");
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toMatch(/statements traced on embedded PostgreSQL .*: predictions agree/);
  }, 60_000);
});
