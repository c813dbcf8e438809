import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTempPostgres } from "../bench/temp-postgres.mjs";
import { runCli, needs } from "../support/cli.js";
import type { StatsFile } from "../../src/cost/stats.js";
import { traceReport } from "../support/json-report.js";

/**
 * `trace --db-url` and `stats` against a real PostgreSQL server (Debian's, in a throw-away cluster
 * started once for this file): whatever the script does, the server is the same afterwards, or the
 * output says exactly what was not rolled back; a lock held by another session stops them after the
 * lock timeout; no password is shown, whatever the connection string's form (issue 16).
 */
const server = startTempPostgres();
const dir = mkdtempSync(join(tmpdir(), "locklint-trace-server-"));
let admin: pg.Client;

/** What the trace must leave as it was: relations, sequences' last values, row estimates, rows, prepared transactions. */
async function snapshot(): Promise<unknown> {
  const { rows } = await admin.query(`
    SELECT (SELECT json_agg(n.nspname || '.' || c.relname || ' ' || c.relkind::text ORDER BY n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema') AS relations,
           (SELECT json_agg(json_build_array(sequencename, last_value) ORDER BY sequencename) FROM pg_sequences) AS sequences,
           (SELECT json_agg(json_build_array(relname, reltuples) ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace) AS reltuples,
           (SELECT json_agg(a ORDER BY id) FROM accounts a) AS accounts,
           (SELECT count(*)::int FROM pg_prepared_xacts) AS prepared`);
  return rows[0];
}

function script(name: string, sql: string): string {
  const path = join(dir, name);
  writeFileSync(path, sql);
  return path;
}

/** The user's view of a statement of the JSON report: its line and what trace says about it. */
const errorsByLine = (stdout: string) =>
  Object.fromEntries(
    traceReport(stdout)
      .statements.filter((s) => s.observed.error)
      .map((s) => [s.line, s.observed.error]),
  );

describe.skipIf(!server)(
  needs(server !== undefined, "PostgreSQL's server binaries (Debian: apt-get install postgresql)", "trace --db-url on a real server"),
  () => {
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: server!.url });
      await admin.connect();
      await admin.query(`
      CREATE TABLE accounts (id serial PRIMARY KEY, name text);
      INSERT INTO accounts (name) SELECT 'a' || g FROM generate_series(1, 100) g;
      CREATE TABLE empty_existing (id bigint GENERATED ALWAYS AS IDENTITY, v text);
      CREATE SEQUENCE counter;
      SELECT nextval('counter');
      ANALYZE;`);
    }, 60_000);

    afterAll(async () => {
      await admin?.end();
      server?.stop();
    });

    it("a script that commits, chains, prepares, uses its own or trace's savepoints, COPY PROGRAM, sequence functions or ANALYZE leaves the server unchanged", async () => {
      const before = await snapshot();
      const path = script(
        "escape.sql",
        [
          "BEGIN;", // 1
          "CREATE TABLE t1 (id int);",
          "COMMIT AND CHAIN;",
          "CREATE TABLE t2 (id int);",
          "END AND CHAIN;", // 5
          "CREATE TABLE t3 (id int);",
          "COMMIT WORK AND CHAIN;",
          "SAVEPOINT s1;",
          "CREATE TABLE t4 (id int);",
          "ROLLBACK TO SAVEPOINT s1;", // 10
          "RELEASE SAVEPOINT s1;",
          "RELEASE SAVEPOINT nowhere;",
          "ROLLBACK AND CHAIN;",
          "PREPARE TRANSACTION 'locklint_escape';",
          "COMMIT PREPARED 'locklint_escape';", // 15
          "SAVEPOINT locklint_trace;",
          "COPY accounts TO PROGRAM 'touch /tmp/locklint-pwned';",
          "COPY accounts FROM PROGRAM 'cat /etc/hostname';",
          `COPY accounts TO '${join(dir, "accounts.csv")}';`,
          "SELECT setval('counter', 1000);", // 20
          "SELECT 1 WHERE 0 < (SELECT nextval('counter'));",
          "ANALYZE accounts;",
          "UPDATE accounts SET name = 'changed';",
          "COMMIT;",
          "SAVEPOINT outside;", // 25
          "COMMIT AND CHAIN;",
        ].join("\n") + "\n",
      );
      const r = await runCli(["trace", "--format", "json", "--db-url", server!.url, path]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      expect(errorsByLine(r.stdout)).toEqual({
        12: 'savepoint "nowhere" does not exist',
        14: "not run: PREPARE TRANSACTION would hand trace's transaction to the server, beyond its rollback (the script's transaction ends here as if committed)",
        15: "not run: COMMIT PREPARED ends a prepared transaction outside trace's own",
        16: "not run: the savepoint name locklint_trace is trace's own (rename it)",
        17: "not run: COPY ... TO PROGRAM runs a command on the database host",
        18: "not run: COPY ... FROM PROGRAM runs a command on the database host",
        19: "not run: COPY ... TO a file writes on the database host",
        20: "not run: setval() is not undone by a rollback, and trace rolls everything back on a server (--allow-commit runs it and lists it)",
        21: "not run: nextval() is not undone by a rollback, and trace rolls everything back on a server (--allow-commit runs it and lists it)",
        25: "SAVEPOINT can only be used in transaction blocks",
        26: "COMMIT AND CHAIN can only be used in transaction blocks",
        22: "not run: ANALYZE writes the table statistics (pg_class.reltuples) in place, and trace rolls everything back on a server (--allow-commit runs it and lists it)",
      });
      expect(traceReport(r.stdout).summary.notRolledBack).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect(existsSync("/tmp/locklint-pwned")).toBe(false);
      expect(existsSync(join(dir, "accounts.csv"))).toBe(false);
      const text = await runCli(["trace", "--db-url", server!.url, path]);
      expect(text.stdout).toContain("everything rolled back");
    }, 60_000);

    it("a --setup that ends the transaction, or a statement locklint cannot parse, is not run on the server", async () => {
      const before = await snapshot();
      const setup = script("commit-setup.sql", "CREATE TABLE from_setup (id int);\nCOMMIT;\n");
      const withSetup = await runCli(["trace", "--setup", setup, "--db-url", server!.url, script("plain.sql", "SELECT 1;\n")]);
      expect(withSetup.stderr).toBe("locklint: the --setup SQL cannot run: it controls the transaction, which trace owns on a server\n");
      expect(withSetup.code).toBe(2);
      const r = await runCli(["trace", "--format", "json", "--db-url", server!.url, script("unparsed.sql", "CREATE TABLE fine (id int);\nCOMMIT THE WORK;\n")]);
      expect(errorsByLine(r.stdout)).toEqual({ 2: "not run: locklint cannot parse it, so it cannot check that it keeps trace's transaction" });
      expect(await snapshot()).toEqual(before);
    }, 60_000);

    it("an INSERT into a table of the server advances its sequence: the output says so instead of everything rolled back", async () => {
      const path = script("insert.sql", "INSERT INTO accounts (name) VALUES ('new');\n");
      const r = await runCli(["trace", "--db-url", server!.url, path]);
      expect(r.code).toBe(0);
      const last = (await admin.query<{ v: string }>("SELECT last_value::text AS v FROM accounts_id_seq")).rows[0]!.v;
      expect(r.stdout).toContain(`not rolled back  sequence public.accounts_id_seq advanced to ${last} (sequences are never rolled back)\n`);
      expect(r.stdout).toContain("rolled back except 1 thing listed above");
      expect(r.stdout).not.toContain("everything rolled back");
    }, 60_000);

    it("--allow-commit: the output lists what was committed, never everything rolled back", async () => {
      await admin.query("CREATE SEQUENCE commit_counter");
      const path = script(
        "commit.sql",
        "CREATE TABLE committed_t (id int);\nCREATE INDEX CONCURRENTLY ix_committed ON committed_t (id);\nSELECT setval('commit_counter', 500);\n",
      );
      const r = await runCli(["trace", "--allow-commit", "--db-url", server!.url, path]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(
        `not rolled back  ${path}:2: committed all the work before it, then ran CREATE INDEX CONCURRENTLY ix_committed ON committed_t (id) outside a transaction\n`,
      );
      expect(r.stdout).toContain(`not rolled back  ${path}:3: setval() is not undone by a rollback\n`);
      expect(r.stdout).toContain("not rolled back  sequence public.commit_counter advanced to 500 (sequences are never rolled back)\n");
      expect(r.stdout).toContain("rolled back except 3 things listed above");
      expect(r.stdout).not.toContain("everything rolled back");
      // what it said was committed was
      expect((await admin.query("SELECT to_regclass('committed_t') IS NOT NULL AS t, (SELECT last_value FROM commit_counter)::int AS v")).rows).toEqual([
        { t: true, v: 500 },
      ]);
      await admin.query("DROP TABLE committed_t; DROP SEQUENCE commit_counter");
    }, 60_000);

    it("--seed-rows on a server seeds only the tables trace created: the statistics and sequences of the server's tables do not change", async () => {
      const before = await snapshot();
      const setup = script("seed-setup.sql", "CREATE TABLE fresh (id bigint GENERATED ALWAYS AS IDENTITY, v text);\n");
      const path = script("seed.sql", "ALTER TABLE fresh ADD COLUMN w int NOT NULL DEFAULT 0;\nALTER TABLE empty_existing ADD COLUMN w int;\n");
      const r = await runCli(["trace", "--format", "json", "--seed-rows", "50", "--setup", setup, "--db-url", server!.url, path]);
      expect(r.stderr).toBe("");
      const out = traceReport(r.stdout);
      expect(out.summary.notSeeded).toEqual(["public.empty_existing: a table of the server (its statistics and sequences would outlive the rollback)"]);
      expect(out.summary.notRolledBack).toEqual([]);
      expect(await snapshot()).toEqual(before);
      // nothing reported (--since a revision the script does not reach): still seeded inside trace's transaction
      const none = await runCli(["trace", "--format", "json", "--seed-rows", "50", "--since", "0009", "--setup", setup, "--db-url", server!.url, path]);
      expect(none.stderr).toBe("");
      expect(traceReport(none.stdout).summary.notSeeded).toEqual([
        "public.empty_existing: a table of the server (its statistics and sequences would outlive the rollback)",
      ]);
      expect(await snapshot()).toEqual(before);
    }, 60_000);

    describe("another session holds ACCESS EXCLUSIVE on accounts", () => {
      let holder: pg.Client;
      beforeAll(async () => {
        holder = new pg.Client({ connectionString: server!.url });
        await holder.connect();
        await holder.query("BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
      });
      afterAll(async () => {
        await holder?.query("ROLLBACK");
        await holder?.end();
      });

      it("trace waits the lock timeout, then stops with one line naming the statement", async () => {
        const path = script("blocked.sql", "ALTER TABLE accounts ADD COLUMN blocked int;\n");
        const started = Date.now();
        const r = await runCli(["trace", "--lock-timeout", "300ms", "--db-url", server!.url, path]);
        expect(r.stderr).toBe(
          `locklint: trace stopped at ${path}:1: waited 300 ms for a lock another session holds (lock_timeout; --lock-timeout changes it); nothing was committed\n`,
        );
        expect(r.code).toBe(2);
        expect(Date.now() - started).toBeLessThan(15_000);
      }, 30_000);

      it("a script that sets lock_timeout = 0 or RESET ALL does not lift trace's lock timeout", async () => {
        const path = script("unlimited.sql", "SET lock_timeout = 0;\nRESET ALL;\nSET statement_timeout = 0;\nALTER TABLE accounts ADD COLUMN blocked int;\n");
        const r = await runCli(["trace", "--lock-timeout", "300ms", "--db-url", server!.url, path]);
        expect(r.stderr).toBe(
          `locklint: trace stopped at ${path}:4: waited 300 ms for a lock another session holds (lock_timeout; --lock-timeout changes it); nothing was committed\n`,
        );
        expect(r.code).toBe(2);
      }, 30_000);

      it("stats waits the lock timeout, then stops with one line", async () => {
        const r = await runCli(["stats", "--lock-timeout", "300ms", "--db-url", server!.url, "-o", join(dir, "blocked-stats.json")]);
        expect(r.stderr).toBe(
          `locklint: reading statistics from ${server!.url} failed: waited 300 ms for a lock another session holds (lock_timeout; --lock-timeout changes it)\n`,
        );
        expect(r.code).toBe(2);
        expect(existsSync(join(dir, "blocked-stats.json"))).toBe(false);
      }, 30_000);
    });

    it("a statement longer than --statement-timeout stops trace with one line", async () => {
      const path = script("slow.sql", "SELECT pg_sleep(30);\n");
      const r = await runCli(["trace", "--statement-timeout", "500ms", "--db-url", server!.url, path]);
      expect(r.stderr).toBe(
        `locklint: trace stopped at ${path}:1: the statement ran longer than 500 ms (statement_timeout; --statement-timeout changes it); nothing was committed\n`,
      );
      expect(r.code).toBe(2);
    }, 30_000);

    describe("no password in the output, the stats file or an error, whatever the connection string's form", () => {
      const port = () => new URL(server!.url).port;

      it("a password given as ?password= (and in the user information): stdout and the stats file's source", async () => {
        const url = `postgres://postgres:u5er-Secret@127.0.0.1:${port()}/postgres?password=qu3ry-Secret`;
        const output = join(dir, "query-password.json");
        const r = await runCli(["stats", "--db-url", url, "-o", output]);
        expect(r.stderr).toBe("");
        expect(r.stdout).toMatch(
          new RegExp(`^wrote \\d+ tables of postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port()}/postgres\\?password=\\*\\*\\* \\(PostgreSQL`),
        );
        expect((JSON.parse(readFileSync(output, "utf8")) as StatsFile).source).toBe(`postgres://postgres:***@127.0.0.1:${port()}/postgres?password=***`);
        const t = await runCli(["trace", "--db-url", url, script("pw.sql", "SELECT 1;\n")]);
        expect(t.stdout + t.stderr).not.toMatch(/Secret/);
        expect(t.stdout).toContain(`traced on postgres://postgres:***@127.0.0.1:${port()}/postgres?password=***`);
      }, 60_000);

      it("a libpq keyword string connects, and its password is never shown", async () => {
        const keywords = `host=127.0.0.1 port=${port()} user=postgres password='kw Secret' dbname=postgres`;
        const output = join(dir, "keywords.json");
        const r = await runCli(["stats", "--db-url", keywords, "-o", output]);
        expect(r.stderr).toBe("");
        expect(r.stdout + readFileSync(output, "utf8")).not.toMatch(/Secret/);
        expect((JSON.parse(readFileSync(output, "utf8")) as StatsFile).source).toBe(`host=127.0.0.1 port=${port()} user=postgres password=*** dbname=postgres`);
        const wrongDb = await runCli(["stats", "--db-url", keywords.replace("dbname=postgres", "dbname=missing"), "-o", output]);
        expect(wrongDb.stderr).toBe(
          `locklint: cannot connect to host=127.0.0.1 port=${port()} user=postgres password=*** dbname=missing: database "missing" does not exist\n`,
        );
      }, 60_000);
    });
  },
);
