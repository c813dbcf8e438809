import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

/** src/cli/commands/: one file per command, none importing another (shared pieces live in src/cli/). */

const COMMANDS = join(ROOT, "src/cli/commands");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)/g;

describe("the commands of src/cli/commands", () => {
  const files = readdirSync(COMMANDS).filter((f) => f.endsWith(".ts"));

  it("are one file each for lint, alembic, locks, rules, trace, stats and explain", () => {
    expect(files.sort()).toEqual(["alembic.ts", "explain.ts", "lint.ts", "locks.ts", "rules.ts", "stats.ts", "trace.ts"]);
  });

  it("import no other command", () => {
    const siblings = files.flatMap((file) =>
      [...readFileSync(join(COMMANDS, file), "utf8").matchAll(IMPORT)]
        .map((m) => m[1] ?? m[2] ?? "")
        .filter((path) => path.startsWith("./"))
        .map((path) => `${file} -> ${path}`),
    );
    expect(siblings).toEqual([]);
  });
});
