import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redactUrl, scrub } from "../src/stats.js";
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

describe("redactUrl and scrub", () => {
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
