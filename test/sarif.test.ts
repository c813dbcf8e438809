import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// The official SARIF 2.1.0 schema (OASIS errata 01, rtm.5), as Microsoft's SARIF tooling ships it.
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as object;
// the schema is draft-04; its patterns are not valid under the `u` flag, so they run as plain RegExps
// both are CommonJS: under NodeNext their default import is module.exports, which carries .default
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false, logger: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

interface Region {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
  snippet?: { text: string };
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: Region; contextRegion?: Region } }[];
      properties: { revision: string | null };
    }[];
  }[];
}

async function sarifOf(args: string[], input = ""): Promise<{ code: number; log: SarifLog }> {
  const r = await runCli(["--format", "sarif", ...args], input);
  expect(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return { code: r.code, log: JSON.parse(r.stdout) as SarifLog };
}

describe("--format sarif", () => {
  it("the validator rejects what the schema forbids (it can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, level: "fatal" }] }] })).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x", informationUri: "not a uri" } } }] })).toBe(false);
  });

  it("samples/shop-risky: a valid log, one result per finding, at the statement, with its rule and revision", async () => {
    const { code, log } = await sarifOf(["samples/shop-risky/upgrade.sql"]);
    expect(code).toBe(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("locklint");
    const text = lintReport((await runCli(["--format", "json", "samples/shop-risky/upgrade.sql"])).stdout);
    expect(run.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine])).toEqual(text.findings.map((f) => [f.rule, f.line]));
    const first = run.results[0]!;
    expect(run.tool.driver.rules[first.ruleIndex]!.id).toBe(first.ruleId);
    expect(first).toMatchObject({ ruleId: "require-concurrent-index-creation", level: "error", properties: { revision: "0002" } });
    // the region is the statement its snippet shows, without the semicolon (SARIF's end column is the one after the region)
    expect(first.locations[0]!.physicalLocation).toMatchObject({
      artifactLocation: { uri: "samples/shop-risky/upgrade.sql" },
      region: { startLine: 31, startColumn: 1, endLine: 31, endColumn: 51, snippet: { text: "CREATE INDEX ix_orders_user_id ON orders (user_id)" } },
    });
    expect(first.message.text).toContain("CREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);");
  });

  it("samples/shop-safe: a valid log with no results, exit 0", async () => {
    const { code, log } = await sarifOf(["samples/shop-safe/upgrade.sql"]);
    expect(code).toBe(0);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.tool.driver.rules.length).toBeGreaterThan(60);
  });

  it("stdin with a syntax error, and an absolute path as a file URI", async () => {
    const { log } = await sarifOf([], "SELECT 1;\nCREATE TABLE é (\n");
    expect(log.runs[0]!.results[0]).toMatchObject({
      ruleId: "syntax-error",
      locations: [{ physicalLocation: { artifactLocation: { uri: "stdin" }, region: { startLine: 2 } } }],
    });
    const { log: absolute } = await sarifOf([`${ROOT}samples/shop-risky/upgrade.sql`]);
    expect(absolute.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^file:\/\/\/.*\/samples\/shop-risky\/upgrade\.sql$/);
  });

  // issue 18: the region ended one column past the snippet it showed (endColumn 26 for a 24-character statement)
  it("a region ends where its snippet ends: endColumn is the column after the last character, in code points, over lines", async () => {
    const sql = 'DROP TABLE users_archive;\nDROP TABLE "commandé_€";\nALTER TABLE "é" ALTER COLUMN\n  "ü" TYPE bigint;\n';
    const { log } = await sarifOf(["--rules", "dropping-table,changing-column-type"], sql);
    const located = log.runs[0]!.results.map((r) => [r.ruleId, r.locations.at(-1)!.physicalLocation] as const);
    expect(located).toEqual([
      [
        "dropping-table",
        {
          artifactLocation: { uri: "stdin" },
          region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 25, snippet: { text: "DROP TABLE users_archive" } },
        },
      ],
      [
        "dropping-table",
        {
          artifactLocation: { uri: "stdin" },
          region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 24, snippet: { text: 'DROP TABLE "commandé_€"' } },
        },
      ],
      [
        "changing-column-type",
        {
          artifactLocation: { uri: "stdin" },
          // the finding points at the column: the region runs from there, the statement is its context
          region: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 18, snippet: { text: '"ü" TYPE bigint' } },
          contextRegion: { startLine: 3, startColumn: 1, endLine: 4, endColumn: 18, snippet: { text: 'ALTER TABLE "é" ALTER COLUMN\n  "ü" TYPE bigint' } },
        },
      ],
    ]);
    // every region is exactly its snippet, cut from the input by its columns (code points)
    const lines = sql.split("\n").map((l) => Array.from(l));
    for (const [, location] of located) {
      for (const region of [location.region, location.contextRegion].filter((r) => r !== undefined)) {
        const cut: string[] = [];
        for (let line = region.startLine; line <= region.endLine!; line++) {
          const from = line === region.startLine ? region.startColumn - 1 : 0;
          const to = line === region.endLine ? region.endColumn! - 1 : lines[line - 1]!.length;
          cut.push(lines[line - 1]!.slice(from, to).join(""));
        }
        expect(cut.join("\n")).toBe(region.snippet!.text);
      }
    }
  });

  it("locks has no sarif format: a usage error, exit 2", async () => {
    const r = await runCli(["locks", "--format", "sarif", "samples/shop-safe/upgrade.sql"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sarif/);
  });
});
