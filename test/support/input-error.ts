import { expect } from "vitest";
import type { CliResult } from "./cli.js";

/** Exit 2 and exactly this one line on stderr (what every input error looks like). */
export function expectInputError(r: CliResult, line: string | RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  if (typeof line === "string") expect(r.stderr).toBe(`locklint: ${line}\n`);
  else expect(r.stderr).toMatch(line);
}
