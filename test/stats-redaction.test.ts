import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redactUrl, scrub } from "../src/cost/stats.js";
import { runCli } from "./support/cli.js";

/**
 * The password of a --db-url never reaches what the user sees, and nothing else in the message is
 * touched: only the password field of the URL is replaced (issue 15: a one-letter password used to
 * eat every letter p of the message).
 */
const output = join(mkdtempSync(join(tmpdir(), "locklint-redaction-")), "stats.json");
// nothing listens on port 1: the driver fails fast with ECONNREFUSED
const unreachable = (url: string) => runCli(["stats", "--db-url", url, "--output", output]);

describe("locklint stats --db-url: what the user sees when the server cannot be reached", () => {
  it("a one-letter password: the rest of the message keeps its letter", async () => {
    const r = await unreachable("postgres://u:p@127.0.0.1:1/db");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("locklint: cannot connect to postgres://u:***@127.0.0.1:1/db: connect ECONNREFUSED 127.0.0.1:1\n");
  });

  it("a password that is also the user, the scheme and the database name", async () => {
    const r = await unreachable("postgres://postgres:postgres@127.0.0.1:1/postgres");
    expect(r.stderr).toBe("locklint: cannot connect to postgres://postgres:***@127.0.0.1:1/postgres: connect ECONNREFUSED 127.0.0.1:1\n");
  });

  it("a percent-encoded password: neither spelling is shown", async () => {
    const r = await unreachable("postgresql://app:p%40ss%3Aw0rd@127.0.0.1:1/app");
    expect(r.stderr).toBe("locklint: cannot connect to postgresql://app:***@127.0.0.1:1/app: connect ECONNREFUSED 127.0.0.1:1\n");
  });
});

describe("locklint stats and trace --db-url: no password in an error, whatever the connection string's form (issue 16)", () => {
  it("a password as the URL's ?password= parameter (and in its user information)", async () => {
    const r = await unreachable("postgres://u:us3r-Secret@127.0.0.1:1/db?sslmode=disable&password=qu3ry-Secret");
    expect(r.stderr).toBe("locklint: cannot connect to postgres://u:***@127.0.0.1:1/db?sslmode=disable&password=***: connect ECONNREFUSED 127.0.0.1:1\n");
  });

  it("a libpq keyword string, its password quoted or not, is used and shown without its password", async () => {
    const r = await unreachable("host=127.0.0.1 port=1 user=u password=kw-Secret dbname=d");
    expect(r.stderr).toBe("locklint: cannot connect to host=127.0.0.1 port=1 user=u password=*** dbname=d: connect ECONNREFUSED 127.0.0.1:1\n");
    const quoted = await unreachable("host=127.0.0.1 port=1 password='kw Secret' dbname=d");
    expect(quoted.stderr).toBe("locklint: cannot connect to host=127.0.0.1 port=1 password=*** dbname=d: connect ECONNREFUSED 127.0.0.1:1\n");
  });

  it("a scheme-less user:password@host/db is refused, without its password", async () => {
    const r = await unreachable("u:pl4in-Secret@127.0.0.1:1/db");
    expect(r.stderr).toBe(
      "locklint: not a PostgreSQL connection string: u:***@127.0.0.1:1/db (write postgres://user:password@host:port/database, or host=... user=... dbname=...)\n",
    );
    expect(r.code).toBe(2);
  });

  it("an unknown libpq keyword is refused, without the password", async () => {
    const r = await unreachable("host=h password=kw-Secret service=prod");
    expect(r.stderr).toBe("locklint: host=h password=*** service=prod: the connection keyword service is not supported (use a postgres:// URL)\n");
  });

  it("a URL the driver cannot parse, a port that is not a number, an unterminated quote: one line, no password, no internal error", async () => {
    expect((await unreachable("postgres://u:pw-Secret1@host:notaport/db")).stderr).toBe(
      "locklint: not a valid connection string: postgres://u:***@host:notaport/db (Invalid URL)\n",
    );
    expect((await unreachable("postgresql://u:pw-Secret1@[::1/db")).stderr).toBe(
      "locklint: not a valid connection string: postgresql://u:***@[::1/db (Invalid URL)\n",
    );
    expect((await unreachable("host=127.0.0.1 port=x password=pw-Secret1")).stderr).toBe(
      "locklint: host=127.0.0.1 port=x password=***: port x is not a port number\n",
    );
    const unterminated = await unreachable("host=h password='open quote Secret1");
    expect(unterminated.stderr).toBe(
      "locklint: cannot read the connection string host=h password=***: write key=value pairs, a value with spaces in single quotes\n",
    );
    expect(unterminated.code).toBe(2);
  });

  it("trace --db-url says the same", async () => {
    const r = await runCli(["trace", "--db-url", "postgres://u:tr4ce-Secret@127.0.0.1:1/db?password=tr4ce-Secret2"], "SELECT 1;\n");
    expect(r.stderr).toBe("locklint: cannot connect to postgres://u:***@127.0.0.1:1/db?password=***: connect ECONNREFUSED 127.0.0.1:1\n");
    expect(r.code).toBe(2);
  });
});

describe("redactUrl and scrub", () => {
  it("every form: URL user information and parameters, keywords, scheme-less, percent-encoded", () => {
    expect(redactUrl("postgres://u:pw@h/db?password=pw2")).toBe("postgres://u:***@h/db?password=***");
    expect(redactUrl("postgresql://h/db?sslpassword=k3y&password=p%40ss")).toBe("postgresql://h/db?sslpassword=***&password=***");
    expect(redactUrl("host=h user=u password=pw dbname=d")).toBe("host=h user=u password=*** dbname=d");
    expect(redactUrl("host=h password = 'a b\\' c' dbname=d")).toBe("host=h password = *** dbname=d");
    expect(redactUrl("u:pw@host/db")).toBe("u:***@host/db");
  });

  it("a message quoting a password of the connection string, in any spelling, loses it", () => {
    const keywords = "host=h user=u password=kw-Secret dbname=d";
    expect(scrub('database "host=h user=u password=kw-Secret dbname=d" does not exist', keywords)).toBe(
      'database "host=h user=u password=*** dbname=d" does not exist',
    );
    expect(scrub("bad value kw-Secret", keywords)).toBe("bad value ***");
    const query = "postgres://h/db?password=p%40ss-word";
    expect(scrub("auth failed with p@ss-word and p%40ss-word", query)).toBe("auth failed with *** and ***");
  });

  it("redactUrl replaces the password field only", () => {
    expect(redactUrl("postgres://postgres:postgres@localhost/postgres")).toBe("postgres://postgres:***@localhost/postgres");
    expect(redactUrl("postgres://u:p@host:5432/p?sslmode=prefer")).toBe("postgres://u:***@host:5432/p?sslmode=prefer");
    expect(redactUrl("postgres://app@host/app")).toBe("postgres://app@host/app");
  });

  it("a driver message that quotes the connection string loses the password, and only the password", () => {
    const url = "postgres://postgres:postgres@localhost/postgres";
    expect(scrub(`password authentication failed for user "postgres" at ${url}`, url)).toBe(
      'password authentication failed for user "postgres" at postgres://postgres:***@localhost/postgres',
    );
    expect(scrub("could not connect to postgres://u:p@host/db: operation not permitted", "postgres://u:p@host/db")).toBe(
      "could not connect to postgres://u:***@host/db: operation not permitted",
    );
  });

  it("the password is found as written, percent-decoded or percent-encoded, whichever the URL used", () => {
    const encoded = "postgres://app:p%40ss%3Aw0rd@db.internal/app";
    const raw = "postgres://app:p@ss:w0rd@db.internal/app";
    for (const url of [encoded, raw]) {
      expect(scrub(`invalid connection string ${encoded}`, url)).toBe("invalid connection string postgres://app:***@db.internal/app");
      expect(scrub(`invalid connection string ${raw}`, url)).toBe("invalid connection string postgres://app:***@db.internal/app");
    }
  });

  it("leaves a text alone when the URL has no password, and any text outside the URL's user information", () => {
    expect(scrub("connect to postgres://app@host/app failed", "postgres://app@host/app")).toBe("connect to postgres://app@host/app failed");
    expect(scrub("postgres at db.example.com: timeout expired", "postgres://u:p@db.example.com/postgres")).toBe("postgres at db.example.com: timeout expired");
  });
});
