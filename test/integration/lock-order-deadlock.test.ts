import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { analyzeText } from "../support/analyze-text.js";
import { needs } from "../support/cli.js";
import type { SqlSession } from "../support/pglite-observer.js";
import { installed, startServer, type RunningServer } from "../support/servers.js";

/**
 * A parent/child pair (a foreign key from child to parent) and a migration that takes ACCESS
 * EXCLUSIVE on both, one after the other, in one transaction. On a real PostgreSQL 15, either
 * order deadlocks with an ordinary application transaction: parent then child with one that
 * inserts a parent and then its child, child then parent with one that deletes the children and
 * then their parent. Reordering the migration fixes neither, so lock-order (the migration locking
 * two tables in both orders itself) stays silent; the advice is a short lock_timeout
 * (require-lock-timeout) or separate transactions.
 */

const MAJOR = 15;
const FIXTURE =
  "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id)); INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);";
const ALTER_PARENT = "ALTER TABLE parent ADD COLUMN note text";
const ALTER_CHILD = "ALTER TABLE child ADD COLUMN note text";

/** The application's two statements: each order touches parent and child the other way round. */
const APP = {
  "inserts a parent, then its child": ["INSERT INTO parent VALUES (2)", "INSERT INTO child VALUES (2, 2)"],
  "deletes the children, then their parent": ["DELETE FROM child WHERE parent_id = 1", "DELETE FROM parent WHERE id = 1"],
} as const;

describe.skipIf(!installed(MAJOR))(needs(installed(MAJOR), `PostgreSQL ${MAJOR} (npm run servers)`, "lock-order: a parent/child pair on a real server"), () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(MAJOR, FIXTURE);
  }, 60_000);
  afterAll(async () => server?.stop());

  /** Runs app's first statement, then the migration's first, then both second ones: "deadlock" when PostgreSQL aborts one of them. */
  async function race(app: readonly [string, string], migration: readonly [string, string]): Promise<"deadlock" | "no deadlock"> {
    const [a, m] = [await server.connect(), await server.connect()];
    try {
      // a wait that is no deadlock ends with the statement timeout instead of hanging the test
      for (const s of [a, m]) await s.exec("SET deadlock_timeout = '50ms'; SET statement_timeout = '10s'");
      await a.exec(`BEGIN; ${app[0]}`);
      await m.exec(`BEGIN; ${migration[0]}`);
      const appSecond = a.exec(app[1]);
      await waitingSessions(server.session, 1);
      const results = await Promise.allSettled([appSecond, m.exec(migration[1])]);
      const deadlocked = results.some((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "40P01");
      return deadlocked ? "deadlock" : "no deadlock";
    } finally {
      await Promise.allSettled([a.exec("ROLLBACK"), m.exec("ROLLBACK")]);
      await Promise.allSettled([a.close(), m.close()]);
    }
  }

  it("either order of the migration deadlocks with one of the application's orders", async () => {
    expect(await race(APP["inserts a parent, then its child"], [ALTER_CHILD, ALTER_PARENT])).toBe("deadlock");
    expect(await race(APP["deletes the children, then their parent"], [ALTER_PARENT, ALTER_CHILD])).toBe("deadlock");
  }, 60_000);

  it("lock-order does not fire on either order (reordering fixes nothing); require-lock-timeout does", async () => {
    const revision = (first: string, second: string) =>
      `-- Running upgrade  -> a\nBEGIN;\n${FIXTURE.replace(/INSERT[^;]*;/g, "")}\nCOMMIT;\n-- Running upgrade a -> b\nBEGIN;\n${first};\n${second};\nCOMMIT;\n`;
    for (const [first, second] of [
      [ALTER_CHILD, ALTER_PARENT],
      [ALTER_PARENT, ALTER_CHILD],
    ] as const) {
      const rules = (await analyzeText(revision(first, second), { rules: RULES })).findings.map((f) => f.rule);
      expect(rules).not.toContain("lock-order");
      expect(rules).toContain("require-lock-timeout");
    }
  });
});

/** Waits until `count` sessions wait for a lock (the application's second statement is queued). */
async function waitingSessions(observer: SqlSession, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await observer.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted");
    if (Number(rows[0]!.n) >= count) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no session waits for a lock");
}
