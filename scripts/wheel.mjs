// npm run wheel: the Python package (python/), a pure py3-none-any wheel for pip/pipx/uvx users. Stages the
// bundle (dist/, built by `npm run bundle` just before) and the PGlite files `locklint trace` loads into
// python/src/locklint/_bundle/, writes package.json's version where hatchling reads it, and builds
// python/dist/locklint-<version>-py3-none-any.whl with the first Python that has pip.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const project = join(root, "python");
const staged = join(project, "src/locklint/_bundle");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function fail(message) {
  console.error(`npm run wheel: ${message}`);
  process.exit(1);
}

for (const file of ["locklint.mjs", "libpg-query.wasm", "THIRD-PARTY-LICENSES.txt"]) {
  if (!existsSync(join(root, "dist", file))) fail(`dist/${file} is missing: run npm run bundle first`);
}
const python = ["python3", "python"].find((p) => spawnSync(p, ["-m", "pip", "--version"]).status === 0);
if (!python) fail("building the wheel needs Python 3 with pip (python3 -m pip), and none is on PATH");

rmSync(staged, { recursive: true, force: true });
const stage = (from, to) => {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
};
for (const file of ["locklint.mjs", "libpg-query.wasm", "THIRD-PARTY-LICENSES.txt"]) stage(join(root, "dist", file), join(staged, file));
// Beside locklint.mjs, where its `import("@electric-sql/pglite")` finds it (Node's node_modules lookup).
const pglite = join(root, "node_modules/@electric-sql/pglite");
for (const file of ["package.json", "LICENSE", ...pgliteRuntime(pglite)]) {
  stage(join(pglite, file), join(staged, "node_modules/@electric-sql/pglite", file));
}
stage(join(root, "LICENSE"), join(project, "LICENSE"));
writeFileSync(join(project, "src/locklint/_version.py"), `# written by scripts/wheel.mjs from package.json\n__version__ = ${JSON.stringify(version)}\n`);

const wheel = join(project, "dist", `locklint-${version}-py3-none-any.whl`);
rmSync(wheel, { force: true });
const built = spawnSync(python, ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--wheel-dir", join(project, "dist"), project], {
  encoding: "utf8",
  stdio: ["ignore", "inherit", "inherit"],
});
if (built.status !== 0 || !existsSync(wheel)) fail(`${python} -m pip wheel python/ failed${built.status ? ` (exit ${built.status})` : ""}`);
console.log(`${relative(root, wheel)} ${(statSync(wheel).size / 1024 / 1024).toFixed(1)} MB`);

/**
 * The files of PGlite that `import("@electric-sql/pglite")` loads for an in-memory database: its ES entry,
 * the modules that entry imports statically (the dynamic imports are file systems trace does not use), and
 * the WebAssembly and data files those modules open by `new URL("./file", import.meta.url)`, and the contrib
 * extensions. Not the .map, .d.ts, CommonJS or worker files.
 */
function pgliteRuntime(dir) {
  const { exports } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const files = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    if (!existsSync(join(dir, file))) fail(`${file} of @electric-sql/pglite is missing: npm install`);
    files.add(file);
    if (!file.endsWith(".js")) return;
    const code = readFileSync(join(dir, file), "utf8");
    for (const [, spec] of code.matchAll(/\b(?:from|import)\s*"(\.\.?\/[^"]+)"/g)) visit(join(dirname(file), spec));
    for (const [, spec] of code.matchAll(/new URL\("([^"]+)",\s*import\.meta\.url\)/g)) visit(join(dirname(file), spec));
  };
  visit(join(exports["."].import.default));
  // the contrib extensions trace loads (src/trace/database.ts: EMBEDDED_EXTENSIONS), each a module and its tarball: all of them, 1.5 MB
  for (const file of readdirSync(join(dir, "dist/contrib"))) if (file.endsWith(".js")) visit(join("dist/contrib", file));
  return [...files];
}
