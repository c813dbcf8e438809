import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

/**
 * The pipeline's stages, lowest first (ARCHITECTURE.md): a module imports from its own stage or
 * from stages below it, never above, so data flows one way and no two modules import each other.
 */
const STAGES = ["common", "sql", "schema", "locks", "cost", "lint", "rules", "report", "alembic", "trace", "cli", "docs", "main"] as const;

interface Module {
  /** Path from the repository root: src/sql/parse.ts, rules/index.ts. */
  path: string;
  /** The modules it imports (type-only imports too), as paths from the root. */
  imports: string[];
}

function stageOf(path: string): string {
  if (path.startsWith("rules/")) return "rules";
  if (path === "src/main.ts") return "main";
  return path.split("/")[1] ?? "";
}

function sourceFiles(): string[] {
  return ["src", "rules"].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => join(dir, file)),
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)\.js"|import\("(\.[^"]+)\.js"\)/g;

function modules(): Module[] {
  return sourceFiles().map((path) => {
    const text = readFileSync(join(ROOT, path), "utf8");
    const imports = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(path), `${m[1] ?? m[2]}.ts`)));
    return { path, imports };
  });
}

/** Every cycle found by a depth-first walk, each as the chain of modules that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("architecture", () => {
  const all = modules();

  it("finds a cycle where there is one (the check itself works)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c", "a"]]);
  });

  it("finds the modules and their imports", () => {
    expect(all.length).toBeGreaterThan(100);
    const analyze = all.find((m) => m.path === join("src", "lint", "analyze.ts"));
    expect(analyze?.imports).toContain(join("src", "locks", "effects.ts"));
  });

  it("every module lives in a known stage", () => {
    expect(all.map((m) => m.path).filter((path) => !(STAGES as readonly string[]).includes(stageOf(path)))).toEqual([]);
  });

  it("imports flow down the pipeline: no module imports from a later stage", () => {
    const rank = (path: string) => (STAGES as readonly string[]).indexOf(stageOf(path));
    const upward = all.flatMap((m) => m.imports.filter((target) => rank(target) > rank(m.path)).map((target) => `${m.path} -> ${target}`));
    expect(upward).toEqual([]);
  });

  it("no import circle under src/ and rules/", () => {
    const graph = new Map(all.map((m) => [m.path, m.imports]));
    expect(cycles(graph).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("every relative import names a module that exists", () => {
    const paths = new Set(all.map((m) => m.path));
    expect(all.flatMap((m) => m.imports.filter((target) => !paths.has(target)).map((target) => `${m.path} -> ${target}`))).toEqual([]);
  });
});
