import { Option, type Command } from "commander";
import { RULES } from "../../../rules/index.js";
import { loadParser } from "../../sql/parse.js";
import { EXIT_OK, type CliIO } from "../io.js";
import { exampleFindings, lockSummary } from "../rule-catalog.js";

/** `locklint rules`: the rule catalog. */

export interface RulesOptions {
  format: "text" | "json";
}

interface CatalogRow {
  id: string;
  severity: string;
  default: boolean;
  lock: string;
  summary: string;
}

export function declareRules(program: Command): Command {
  return program
    .command("rules")
    .description("list the rule catalog: id, severity, on or off by default, the lock its example takes, summary")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"));
}

export async function runRules(options: RulesOptions, io: CliIO): Promise<number> {
  await loadParser();
  const catalog = RULES.map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    default: !rule.optional,
    lock: lockSummary(exampleFindings(rule)),
    summary: rule.summary,
  }));
  io.stdout.write(CATALOG_FORMATS[options.format](catalog));
  return EXIT_OK;
}

const CATALOG_FORMATS: Record<RulesOptions["format"], (rows: CatalogRow[]) => string> = {
  text: formatCatalog,
  json: (rows) => JSON.stringify({ rules: rows }, null, 2) + "\n",
};

function formatCatalog(rows: CatalogRow[]): string {
  const width = Math.max(...rows.map((r) => r.id.length));
  const indent = " ".repeat(width + 21);
  const lines = rows.map(
    (r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${(r.default ? "on" : "off").padEnd(7)}  ${r.summary}\n${indent}lock: ${r.lock}`,
  );
  return `${"RULE".padEnd(width)}  SEVERITY  DEFAULT  SUMMARY\n${lines.join("\n")}\n\n${rows.length} rules; \`locklint explain <rule>\` prints one rule's documentation\n`;
}
