import { RULES } from "../../rules/index.js";
import { UsageError } from "../common/errors.js";
import type { Rule } from "../lint/rule.js";

/** The rules on by default: every rule but the optional hygiene checks. */
export function defaultRules(): Rule[] {
  return RULES.filter((r) => !r.optional);
}

/**
 * `--rules`: `all`, `default`, or a comma-separated list of rule ids (which may include `default`).
 * A list of no id is an error: running no rule would pass any migration.
 */
export function selectRules(spec: string | undefined): Rule[] {
  if (spec === undefined || spec.trim() === "default") return defaultRules();
  if (spec.trim() === "all") return [...RULES];
  const ids = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError("no rule selected: nothing would be checked; give all, default or rule ids (locklint rules lists them)");
  const chosen = new Set<Rule>();
  for (const id of ids) {
    if (id === "default") {
      for (const r of defaultRules()) chosen.add(r);
      continue;
    }
    chosen.add(findRule(id));
  }
  // keep the catalog's order: findings of one statement come out in a stable order
  return RULES.filter((r) => chosen.has(r));
}

export function findRule(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (rule) return rule;
  const close = RULES.filter(
    (r) => r.id.includes(id) || id.includes(r.id) || sharedWords(r.id, id) >= 2 || editDistance(r.id, id) <= Math.max(3, Math.floor(r.id.length / 3)),
  ).map((r) => r.id);
  throw new UsageError(`unknown rule "${id}"${close.length ? `; did you mean ${close.slice(0, 3).join(", ")}?` : ""} (locklint rules lists them)`);
}

function sharedWords(a: string, b: string): number {
  const words = new Set(a.split("-"));
  return b.split("-").filter((w) => words.has(w)).length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
