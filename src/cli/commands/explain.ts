import type { Command } from "commander";
import { loadParser } from "../../sql/parse.js";
import { EXIT_OK, type CliIO } from "../io.js";
import { ruleDocumentation } from "../rule-catalog.js";
import { findRule } from "../rule-selection.js";

/** `locklint explain RULE`: one rule's documentation. */

export function declareExplain(program: Command): Command {
  return program.command("explain").description("print a rule's documentation").argument("<rule>", "rule id, as `locklint rules` lists it");
}

export async function runExplain(id: string, io: CliIO): Promise<number> {
  const rule = findRule(id);
  await loadParser();
  io.stdout.write(ruleDocumentation(rule));
  return EXIT_OK;
}
