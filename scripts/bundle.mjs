// npm run bundle: builds the one artifact every launcher runs (bin/locklint.js, the Python package, the
// GitHub Action): dist/locklint.mjs (the CLI and everything it imports, the version inlined) beside the
// parser's dist/libpg-query.wasm and the licences of the bundled packages. The output is committed, so a
// git install (pre-commit, the Action) needs no build; CI fails when it differs from what this builds.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Loaded from node_modules at run time, never bundled: PGlite (27 MB, only `trace` needs it, an optional
 * peer dependency) and pg's optional native binding. */
const EXTERNAL = ["@electric-sql/pglite", "pg-native"];

// libpg-query's Emscripten loader is CommonJS: it finds its .wasm through __dirname and loads node:fs with
// require. In an ES module neither exists, so the bundle defines both, pointing at dist/.
const BANNER = [
  'import { createRequire as __locklintRequire } from "node:module";',
  'import { dirname as __locklintDirname } from "node:path";',
  'import { fileURLToPath as __locklintPath } from "node:url";',
  "const require = __locklintRequire(import.meta.url);",
  "const __filename = __locklintPath(import.meta.url);",
  "const __dirname = __locklintDirname(__filename);",
].join("\n");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
const result = await build({
  entryPoints: [join(root, "src/main.ts")],
  outfile: join(dist, "locklint.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: EXTERNAL,
  define: { LOCKLINT_VERSION: JSON.stringify(pkg.version) },
  banner: { js: BANNER },
  legalComments: "none", // the licences go to THIRD-PARTY-LICENSES.txt, whole
  metafile: true,
  logLevel: "warning",
});
copyFileSync(join(root, "node_modules/libpg-query/wasm/libpg-query.wasm"), join(dist, "libpg-query.wasm"));
writeFileSync(join(dist, "THIRD-PARTY-LICENSES.txt"), thirdPartyLicenses(Object.keys(result.metafile.inputs)));
console.log(`dist/locklint.mjs ${Math.round(result.metafile.outputs["dist/locklint.mjs"]?.bytes / 1024)} KB, dist/libpg-query.wasm`);

/** The licence text of every npm package the bundle contains (the bundle drops their comments). */
function thirdPartyLicenses(inputs) {
  const packageDirs = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packageDirs.add(join(root, match[1]));
  }
  const sections = [...packageDirs].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    return `${name} ${version} (${license})\n\n${licenseText(dir).trim()}\n`;
  });
  return `dist/locklint.mjs bundles these packages; their licences follow.\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}

function licenseText(dir) {
  for (const file of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"]) {
    try {
      return readFileSync(join(dir, file), "utf8");
    } catch {
      // try the next spelling
    }
  }
  // some packages (pg-types) keep their licence only in the README's "License" section
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  const section = /^#+ licen[cs]e\s*$([\s\S]*?)(?=^#|(?![\s\S]))/im.exec(readme);
  if (section?.[1]?.trim()) return section[1];
  throw new Error(`no licence text in ${dir}: cannot bundle it without one`);
}
