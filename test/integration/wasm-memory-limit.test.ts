import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, needs } from "../support/cli.js";

/** 8 GiB of address space (ulimit -v counts KiB): below the ~10 GiB V8 reserves per WebAssembly memory. */
const LIMIT_KIB = 8 * 1024 * 1024;

/** The launcher as a user runs it, under `ulimit -v` (needs `npm run bundle`). */
function underLimit(nodeFlags: string[], args: string[]) {
  const quoted = [...nodeFlags, BIN, ...args].map((a) => `'${a}'`).join(" ");
  const result = spawnSync("bash", ["-c", `ulimit -v ${LIMIT_KIB} && exec '${process.execPath}' --liftoff-only ${quoted}`], {
    cwd: ROOT,
    encoding: "utf8",
    input: "",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MESSAGE = `locklint: cannot start the SQL parser: the address-space limit (ulimit -v: ${LIMIT_KIB} KiB) is below the ~10 GiB of virtual memory Node.js reserves for WebAssembly; raise it (ulimit -v unlimited) or run Node.js with --disable-wasm-trap-handler (Node.js 20.15 or later)\n`;

const LINUX = process.platform === "linux";
const TRAP_FLAG = process.allowedNodeEnvironmentFlags.has("--disable-wasm-trap-handler");

describe.runIf(LINUX)(needs(LINUX, "Linux (ulimit -v)", "a virtual memory limit (ulimit -v) below what WebAssembly reserves"), () => {
  it.each([["samples/shop-risky/upgrade.sql"], ["locks", "samples/shop-risky/upgrade.sql"], ["rules"], ["explain", "adding-field-with-volatile-default"]])(
    "locklint %s: exit 2 with one line naming the limit and the way out, not a WebAssembly crash",
    (...args) => {
      expect(underLimit([], args)).toEqual({ code: 2, stdout: "", stderr: MESSAGE });
    },
  );

  it.runIf(TRAP_FLAG)(needs(TRAP_FLAG, "a node with --disable-wasm-trap-handler", "with node --disable-wasm-trap-handler, lint works under the limit"), () => {
    const result = underLimit(["--disable-wasm-trap-handler"], ["samples/shop-risky/upgrade.sql"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^21 statements in 1 file: 7 errors, 9 warnings$/m);
  });
});

describe("the WebAssembly parser is loaded in one place", () => {
  it("no module but src/sql/parse-batch.ts imports libpg-query (an import starts the WASM, and its failure would escape as a crash)", () => {
    const importers = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && file !== join("sql", "parse-batch.ts"))
      .filter((file) => /^import(?!\s+type\b)[^;]*from\s+"libpg-query"/m.test(readFileSync(join(ROOT, "src", file), "utf8")));
    expect(importers).toEqual([]);
  });
});
