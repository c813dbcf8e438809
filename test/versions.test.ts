import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BOUNDARY_CASES, FIXTURE, predictedEffects, sidesOf, type BoundaryCase } from "../src/docs/effects-cases.js";
import { FEATURES, NEWEST_PG_VERSION, OLDEST_PG_VERSION, type Feature } from "../src/locks/versions.js";
import { loadParser } from "../src/sql/parse.js";
import { analyzeText } from "./support/analyze-text.js";
import { ROOT, runCli } from "./support/cli.js";
import { RULES } from "../rules/index.js";

/**
 * Every PostgreSQL version boundary (src/locks/versions.ts), on both sides: what locklint predicts
 * (locks, rewrite, scan, transaction block, a rule's advice) at the version just below the
 * boundary and at the boundary. test/integration/versions-servers.test.ts checks the same cases on real servers.
 */

beforeAll(async () => {
  await loadParser();
});

type Side = "before" | "from";

/** What locklint predicts for the case's fact at `pgVersion`. */
function predictedFact(c: BoundaryCase, pgVersion: number): string | boolean | null {
  const effects = predictedEffects(c.sql, c.prep, pgVersion);
  const fact = c.fact;
  switch (fact.aspect) {
    case "transactional":
      return effects.transactional;
    case "accepted":
      return null;
    case "mode":
    case "rewrite":
    case "scan": {
      const lock = effects.locks.find((l) => l.relation === fact.relation);
      if (!lock) return fact.aspect === "mode" ? "no lock" : null;
      return lock[fact.aspect];
    }
    default: {
      const unhandled: never = fact;
      throw new Error(`unknown boundary fact ${JSON.stringify(unhandled)}`);
    }
  }
}

function caseName(c: BoundaryCase): string {
  return `${c.feature} (${FEATURES[c.feature]}): ${c.sql}${c.prep ? ` (after ${c.prep})` : ""}`;
}

describe("every version boundary, predicted on both sides", () => {
  it("every feature of locks/versions.ts has a boundary case", () => {
    const covered = new Set<Feature>(BOUNDARY_CASES.map((c) => c.feature));
    expect(Object.keys(FEATURES).filter((f) => !covered.has(f as Feature))).toEqual([]);
  });

  for (const c of BOUNDARY_CASES) {
    const fact = c.fact;
    if (fact.aspect === "accepted") continue;
    const sides = sidesOf(c.feature);
    for (const side of ["before", "from"] as Side[]) {
      const version = sides[side];
      const name = `${caseName(c)}: ${fact.aspect}${"relation" in fact ? ` of ${fact.relation}` : ""} on PostgreSQL ${version ?? "(none)"}`;
      if (version === null) {
        it.skip(`${name} (skipped: PostgreSQL ${FEATURES[c.feature] - 1} is older than the oldest version accepted; see the --pg-version test)`, () => {});
        continue;
      }
      it(name, () => {
        expect(predictedFact(c, version)).toBe(fact[side]);
      });
    }
  }

  for (const c of BOUNDARY_CASES) {
    const advice = c.advice;
    if (!advice) continue;
    const sides = sidesOf(c.feature);
    for (const side of ["before", "from"] as Side[]) {
      const version = sides[side];
      if (version === null) continue;
      it(`${caseName(c)}: ${advice.rule} on PostgreSQL ${version} says "${advice[side]}"`, async () => {
        const rule = RULES.find((r) => r.id === advice.rule);
        if (!rule) throw new Error(`no rule ${advice.rule}`);
        const analysis = await analyzeText(`${FIXTURE}\n${c.prep ? `${c.prep};\n` : ""}${c.sql};\n`, { pgVersion: version, rules: [rule] });
        const findings = analysis.findings.filter((f) => f.sql === c.sql);
        expect(findings).toHaveLength(1);
        const shown = `${findings[0]!.severity} ${findings[0]!.help.text}`;
        expect(shown).toContain(advice[side]);
        expect(shown).not.toContain(advice[side === "before" ? "from" : "before"]);
      });
    }
  }
});

describe("docs/versions.md", () => {
  it("lists every boundary of src/locks/versions.ts with its release, and no other", () => {
    const doc = readFileSync(`${ROOT}/docs/versions.md`, "utf8");
    const listed = [...doc.matchAll(/^\| (\d+) \| `(\w+)` \|/gm)].map((m) => `${m[2]} ${m[1]}`);
    expect(listed.sort()).toEqual(
      Object.entries(FEATURES)
        .map(([feature, from]) => `${feature} ${from}`)
        .sort(),
    );
  });
});

describe("--pg-version accepts the supported majors only", () => {
  const sql = "ALTER INDEX ix RENAME TO iy;\n";
  it.each([OLDEST_PG_VERSION - 1, NEWEST_PG_VERSION + 1])("refuses %i (exit 2)", async (version) => {
    const result = await runCli(["locks", "--pg-version", String(version)], sql);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pg-version/);
  });

  it.each([OLDEST_PG_VERSION, NEWEST_PG_VERSION])("accepts %i", async (version) => {
    expect((await runCli(["locks", "--pg-version", String(version)], sql)).code).toBe(0);
  });
});

describe("locklint locks shows a lock boundary", () => {
  const script = "CREATE TABLE t (id int);\nCREATE INDEX ix ON t (id);\nCOMMIT;\nALTER INDEX ix RENAME TO iy;\n";
  const renameLock = async (version: number): Promise<unknown> => {
    const result = await runCli(["locks", "--format", "json", "--pg-version", String(version)], script);
    const out = JSON.parse(result.stdout) as { statements: { sql: string; locks: { relation: string; mode: string }[] }[] };
    return out.statements.find((s) => s.sql.startsWith("ALTER INDEX"))?.locks.map((l) => `${l.relation}: ${l.mode}`);
  };

  it("ALTER INDEX ... RENAME: ACCESS EXCLUSIVE on 11, SHARE UPDATE EXCLUSIVE from 12", async () => {
    expect(await renameLock(11)).toEqual(["ix: ACCESS EXCLUSIVE"]);
    expect(await renameLock(12)).toEqual(["ix: SHARE UPDATE EXCLUSIVE"]);
  });
});
