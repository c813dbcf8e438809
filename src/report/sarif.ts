import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding } from "../lint/findings.js";
import type { Rule } from "../lint/rule.js";
import { describeLock, firstExistingLock } from "./describe.js";
import { JsonArray, JsonObject, jsonReport, mapped, type Report } from "./stream.js";

/**
 * `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and other
 * security dashboards import. Every rule of the catalog is listed so that
 * results can refer to it by index; columns count Unicode code points.
 */
export function formatSarif(findings: readonly Finding[], rules: readonly Rule[], version: string): Report {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  // the results are streamed one by one: the objects around them are what leads to them
  const log = new JsonObject({
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: new JsonArray([
      new JsonObject({
        tool: { driver: { name: "locklint", version, semanticVersion: version, rules: rules.map(ruleDescriptor) } },
        columnKind: "unicodeCodePoints",
        results: new JsonArray(mapped(findings, (f) => result(f, index.get(f.rule)))),
      }),
    ]),
  });
  return jsonReport(log);
}

function ruleDescriptor(rule: Rule) {
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    help: {
      text: `${rule.summary}\n\nInstead:\n${rule.docs.useInstead}`,
      markdown: `${rule.docs.why}\n\n**Instead:**\n\n\`\`\`sql\n${rule.docs.useInstead}\n\`\`\`\n\n**In alembic:**\n\n\`\`\`python\n${rule.docs.alembic}\n\`\`\``,
    },
    defaultConfiguration: { level: rule.severity, enabled: !rule.optional },
    properties: { tags: ["postgresql", "migration", rule.durationHazard ? "lock-duration" : "lock"] },
  };
}

function result(f: Finding, ruleIndex: number | undefined) {
  const lock = firstExistingLock(f);
  const help = [f.help.text, f.help.sql, f.help.alembic ? `In alembic: ${f.help.alembic}` : undefined].filter(Boolean).join("\n");
  return {
    ruleId: f.rule,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: f.severity,
    message: { text: `${f.message}${lock ? `\n${describeLock(lock)}` : ""}\n${help}` },
    // the migration file first when it is known (code scanning shows the first location), then the SQL
    locations: [
      ...(f.migration
        ? [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.migration.file) },
                region: { startLine: f.migration.line, startColumn: f.migration.column },
              },
              message: { text: f.migration.call ?? "migration function" },
            },
          ]
        : []),
      { physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, ...sqlRegions(f) } },
    ],
    properties: {
      revision: f.revision?.id ?? null,
      locks: f.locks.map((l) => ({ relation: l.relation, mode: l.mode, blocks: l.blocks, rewrite: l.rewrite, scan: l.scan, new: l.new !== null })),
    },
  };
}

/**
 * The region of the SQL a finding shows, computed from the text it shows, so that the two agree (SARIF 2.1.0, 3.30: a region's
 * snippet is the text of the region, and endColumn is the column of the character after it, 1-based, in code points here).
 * The region runs from the point the finding names (inside the statement, e.g. a column) to the end of the statement (no
 * semicolon, as `sql` in the JSON report); when that point is not the statement's start, contextRegion is the whole statement.
 */
function sqlRegions(f: Finding): { region: Region; contextRegion?: Region } {
  const sql = f.sql;
  if (sql.length === 0) return { region: { startLine: f.line, startColumn: f.column } };
  let line = f.statementLine;
  let column = f.statementColumn;
  let at: { index: number; line: number; column: number } | null = null;
  for (let i = 0; i < sql.length;) {
    if (!at && line === f.line && column === f.column) at = { index: i, line, column };
    const code = sql.codePointAt(i)!;
    if (code === 10 || code === 13) {
      i += code === 13 && sql.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      column = 1;
    } else {
      i += code > 0xffff ? 2 : 1;
      column++;
    }
  }
  const end = { endLine: line, endColumn: column };
  const whole: Region = { startLine: f.statementLine, startColumn: f.statementColumn, ...end, snippet: { text: sql } };
  if (!at || at.index === 0) return { region: whole };
  return { region: { startLine: at.line, startColumn: at.column, ...end, snippet: { text: sql.slice(at.index) } }, contextRegion: whole };
}

interface Region {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
  snippet?: { text: string };
}

/** A URI reference for a file name: relative paths stay relative (GitHub resolves them against the checkout). */
function artifactUri(file: string): string {
  // stdin and --sql-command output have no file: name them by what they are
  if (file.startsWith("<") && file.endsWith(">")) return encodeURIComponent(file.slice(1, -1));
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}
