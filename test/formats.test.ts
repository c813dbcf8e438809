import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport, locksReport } from "./support/json-report.js";

const RISKY = "samples/shop-risky/upgrade.sql"; // relative to the repository, where vitest runs
const dir = mkdtempSync(join(tmpdir(), "locklint-formats-"));

describe("--format github", () => {
  it("writes one workflow command per finding, with file, line, column, end and title, escaped", async () => {
    const r = await runCli(["--format", "github", RISKY]);
    expect(r.code).toBe(1);
    const commands = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(commands).toHaveLength(16);
    expect(commands[0]).toMatch(
      /^::error file=samples\/shop-risky\/upgrade\.sql,line=31,col=1,endLine=31,endColumn=51,title=locklint require-concurrent-index-creation::CREATE INDEX on existing table orders/,
    );
    expect(commands.every((c) => !c.slice(2).includes("\n"))).toBe(true);
    expect(commands[0]).toContain("%0ACREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);");
    expect(commands.filter((c) => c.startsWith("::warning")).length).toBe(9);
  });
});

describe("--format markdown and --output", () => {
  it("writes per-revision findings tables, the safe way, and the lock timeline to a file", async () => {
    const output = join(dir, "summary.md");
    const r = await runCli(["--format", "markdown", "--output", output, "--since", "0001", RISKY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const md = readFileSync(output, "utf8");
    expect(md).toMatch(/^## locklint: 7 errors, \d+ warnings in 21 statements\n/);
    expect(md).toContain("### Revision 0002 (upgrade from 0001)");
    expect(md).toContain("| 🔴 error | `require-concurrent-index-creation` | samples/shop-risky/upgrade.sql:31 |");
    expect(md).toContain("```sql\nCREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);\n```");
    expect(md).toContain("### Lock timeline");
  });
});

describe("several --format from one analysis", () => {
  const single = async (...args: string[]) => (await runCli([...args, RISKY])).stdout;
  const out = (name: string) => join(mkdtempSync(join(dir, "outputs-")), name);

  it("each FORMAT=FILE gets what that format alone prints; stdout gets only the format without a file; one exit code", async () => {
    const [md, sarif, json] = [out("summary.md"), out("locklint.sarif"), out("findings.json")];
    const r = await runCli(["--format", "github", "--format", `markdown=${md}`, "--format", `sarif=${sarif}`, "--format", `json=${json}`, RISKY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(await single("--format", "github"));
    expect(readFileSync(md, "utf8")).toBe(await single("--format", "markdown"));
    expect(readFileSync(sarif, "utf8")).toBe(await single("--format", "sarif"));
    expect(readFileSync(json, "utf8")).toBe(await single("--format", "json"));
    // --fail-on decides the exit code once, whatever the reports
    expect((await runCli(["--fail-on", "never", "--format", "github", "--format", `sarif=${out("x.sarif")}`, RISKY])).code).toBe(0);
  });

  it("only files: nothing on stdout; -o names where the format without =FILE goes", async () => {
    const json = out("findings.json");
    const files = await runCli(["--format", `json=${json}`, RISKY]);
    expect(files).toMatchObject({ code: 1, stdout: "", stderr: "" });
    expect(readFileSync(json, "utf8")).toBe(await single("--format", "json"));
    const [text, sarif] = [out("report.txt"), out("locklint.sarif")];
    const withO = await runCli(["--format", `sarif=${sarif}`, "--format", "text", "-o", text, RISKY]);
    expect(withO).toMatchObject({ code: 1, stdout: "" });
    expect(readFileSync(text, "utf8")).toBe(await single());
    expect(readFileSync(sarif, "utf8")).toBe(await single("--format", "sarif"));
  });

  it("locks: text and json from one analysis", async () => {
    const json = out("locks.json");
    const r = await runCli(["locks", "--format", "text", "--format", `json=${json}`, RISKY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await single("locks"));
    expect(readFileSync(json, "utf8")).toBe(await single("locks", "--format", "json"));
    const sarif = out("locks.sarif");
    expect(await runCli(["locks", "--format", "text", "--format", `sarif=${sarif}`, RISKY])).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "locklint: locklint locks has no sarif format: use text or json\n",
    });
    expect(existsSync(sarif)).toBe(false);
  });

  it("usage errors, before anything is read or written: two to stdout, one file twice, an unknown format, -o with no format for it", async () => {
    const twice = out("twice");
    const usage = async (...args: string[]) => {
      const r = await runCli([...args, RISKY]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      return r.stderr;
    };
    expect(await usage("--format", "github", "--format", "markdown")).toBe(
      "locklint: --format github, markdown: only one report can go to stdout; give the others a file (--format FORMAT=FILE)\n",
    );
    // the same file, spelled two ways
    expect(await usage("--format", `json=${twice}`, "--format", `sarif=${relative(process.cwd(), twice)}`)).toBe(
      `locklint: ${relative(process.cwd(), twice)}: two reports would be written to this file\n`,
    );
    expect(await usage("--format", "text", "-o", twice, "--format", `json=${twice}`)).toBe(`locklint: ${twice}: two reports would be written to this file\n`);
    expect(existsSync(twice)).toBe(false);
    expect(await usage("--format", "xml=report.xml")).toBe(
      "locklint: option '-f, --format <format>' argument 'xml=report.xml' is invalid. expected one of text, json, github, markdown, sarif, alone or as FORMAT=FILE (locklint --help lists the options)\n",
    );
    expect(await usage("--format", "sarif=")).toContain("argument 'sarif=' is invalid. expected a file after sarif= (locklint --help lists the options)\n");
    expect(await usage("--format", `json=${out("a.json")}`, "-o", twice)).toBe(
      `locklint: -o ${twice}: every --format names its own file (FORMAT=FILE); -o is for the one without\n`,
    );
  });

  it("a file that cannot be written: exit 2, one line naming it, nothing on stdout", async () => {
    const r = await runCli(["--format", "github", "--format", "sarif=no/such/dir/locklint.sarif", RISKY]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: "locklint: no/such/dir/locklint.sarif: cannot write (ENOENT)\n" });
  });
});

describe("revision ranges", () => {
  const findings = async (...args: string[]) => lintReport((await runCli(["--format", "json", ...args, RISKY])).stdout).findings;

  it("--since reports only the later revisions, which deploy together (one lock_timeout finding for the deploy)", async () => {
    const got = await findings("--since", "0003");
    expect(new Set(got.map((f) => f.revision))).toEqual(new Set(["0004", "0005"]));
    expect(got.filter((f) => f.rule === "require-lock-timeout").map((f) => f.line)).toEqual([49]);
  });

  it("--revision reports one revision, with the schema of the whole input", async () => {
    expect((await findings("--revision", "0002")).map((f) => `${f.line} ${f.rule}`)).toEqual([
      "31 require-concurrent-index-creation",
      "31 require-lock-timeout",
      "33 constraint-missing-not-valid",
      "33 lock-upgrade",
    ]);
  });

  it("a revision that is not in the input is a usage error", async () => {
    const r = await runCli(["--since", "nope", RISKY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("revision nope is not in the input");
  });
});

describe("--sql-command", () => {
  it("a command that fails is exit 2 with its exit code named, and nothing is linted", async () => {
    const r = await runCli(["--sql-command", "echo 'FAILED: no config' >&2; exit 3"], "", false, { env: { PATH: process.env.PATH } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("FAILED: no config");
    expect(r.stderr).toContain(`locklint: --sql-command: "echo 'FAILED: no config' >&2; exit 3" exited with code 3; nothing was linted`);
  });

  it("follows the files named, for locks too", async () => {
    const r = await runCli(
      ["locks", "--format", "json", "samples/shop-safe/upgrade.sql", "--sql-command", "printf 'ALTER TABLE orders ADD COLUMN note text;'"],
      "",
      false,
      { env: { PATH: process.env.PATH } },
    );
    expect(r.code).toBe(0);
    const statements = locksReport(r.stdout).statements;
    expect(statements.at(-1)).toMatchObject({ file: "<printf 'ALTER TABLE orders ADD COLUMN note text;'>" });
  });
});
