import { linkSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReportFile, type ReportFs } from "../src/report/output-file.js";
import { runCli } from "./support/cli.js";

/** Reports never replace an input, are written whole or not at all, and a lost stdout report is exit 2 (issue 16). */

const RISKY = "-- Running upgrade  -> a1\nBEGIN;\nCREATE INDEX ix_users_email ON users (email);\nCOMMIT;\n";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "locklint-output-"));
}

function sqlFile(dir: string, name = "upgrade.sql", text = RISKY): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("-o and --format FMT=FILE never replace an input", () => {
  it("-o onto the input file: exit 2, one line, the migration kept", async () => {
    const input = sqlFile(scratch());
    const r = await runCli([input, "-o", input]);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe(`locklint: ${input}: is the input ${input}; the report would replace it (write the report to another file)\n`);
    expect(readFileSync(input, "utf8")).toBe(RISKY);
  });

  it("--format json=FILE onto the input: refused the same way", async () => {
    const input = sqlFile(scratch());
    const r = await runCli([input, "--format", `json=${input}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^locklint: .*upgrade\.sql: is the input .*upgrade\.sql; the report would replace it/);
    expect(readFileSync(input, "utf8")).toBe(RISKY);
  });

  it("-o through a symlink or a hard link to the input: refused, the migration kept", async () => {
    const dir = scratch();
    const input = sqlFile(dir);
    symlinkSync(input, join(dir, "link.sql"));
    linkSync(input, join(dir, "hard.sql"));
    for (const output of [join(dir, "link.sql"), join(dir, "hard.sql")]) {
      const r = await runCli([input, "-o", output]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`locklint: ${output}: is the input ${input}; the report would replace it (write the report to another file)\n`);
    }
    expect(readFileSync(input, "utf8")).toBe(RISKY);
  });

  it("locks -o onto its input: refused too", async () => {
    const input = sqlFile(scratch());
    const r = await runCli(["locks", input, "-o", input]);
    expect(r.code).toBe(2);
    expect(readFileSync(input, "utf8")).toBe(RISKY);
  });

  it("-o onto the file --sql-command reads (its path or base name is a word of the command): refused", async () => {
    const dir = scratch();
    const input = sqlFile(dir);
    const r = await runCli(["--sql-command", `cat '${input}'`, "-o", input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `locklint: ${input}: --sql-command names this file ("cat '${input}'"); the report would replace what it reads (write the report to another file)\n`,
    );
    expect(readFileSync(input, "utf8")).toBe(RISKY);
  });

  it("-o onto another file: written", async () => {
    const dir = scratch();
    const r = await runCli([sqlFile(dir), "-o", join(dir, "report.txt")]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "report.txt"), "utf8")).toContain("require-concurrent-index-creation");
  });
});

describe("report files are written whole or not at all", () => {
  it("a write that fails half-way (full disk) leaves the previous report and no temporary file", async () => {
    const dir = scratch();
    const target = join(dir, "report.json");
    writeFileSync(target, "previous report\n");
    const fullDisk: ReportFs = {
      async writeFile(path, text) {
        writeFileSync(path, (typeof text === "string" ? text : [...text].join("")).slice(0, 10));
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      },
      rename: () => Promise.reject(new Error("not reached")),
      unlink: async (path) => (await import("node:fs/promises")).unlink(path),
    };
    await expect(writeReportFile(target, "x".repeat(1000), fullDisk)).rejects.toThrow(`${target}: cannot write (ENOSPC)`);
    expect(readFileSync(target, "utf8")).toBe("previous report\n");
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("a target in a directory that does not exist: exit 2 naming it", async () => {
    const dir = scratch();
    const target = join(dir, "missing", "report.txt");
    const r = await runCli([sqlFile(dir), "-o", target]);
    expect(r).toMatchObject({ code: 2, stderr: `locklint: ${target}: cannot write (ENOENT)\n` });
  });

  it("-o through a symlink replaces the file it points to and keeps the link", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "real.txt"), "old\n");
    symlinkSync(join(dir, "real.txt"), join(dir, "link.txt"));
    await runCli([sqlFile(dir), "-o", join(dir, "link.txt")]);
    expect(readFileSync(join(dir, "real.txt"), "utf8")).toContain("require-concurrent-index-creation");
    expect(readFileSync(join(dir, "link.txt"), "utf8")).toContain("require-concurrent-index-creation");
  });
});

describe("a report lost on stdout", () => {
  it("a stdout whose write throws, in-process: exit 2 with the same line", async () => {
    const { run } = await import("../src/cli/program.js");
    let stderr = "";
    const stdin = Object.assign((async function* () {})(), { isTTY: false });
    const code = await run(["samples/shop-risky/upgrade.sql"], {
      cwd: process.cwd(),
      stdin,
      stdout: {
        write: () => {
          throw new Error("EBADF: bad file descriptor, write");
        },
      },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toBe("locklint: cannot write the report to stdout: EBADF: bad file descriptor\n");
  });
});

describe("identifiers reach the terminal as text", () => {
  const ESC_TABLE = 'CREATE INDEX i ON "a\x1b[31mb" (c);\nALTER TABLE "x\u202ey" ADD COLUMN d int;\n';

  it('a table named "a\\x1b[31mb" (and one with U+202E): text shows \\x1b and \\u202e, never the raw characters', async () => {
    const r = await runCli(["--no-color", sqlFile(scratch(), "esc.sql", ESC_TABLE)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CREATE INDEX on existing table "a\\x1b[31mb" takes a SHARE lock');
    expect(r.stdout).toContain('    1 | CREATE INDEX i ON "a\\x1b[31mb" (c)');
    expect(r.stdout).not.toMatch(/[\x1b\u202e]/);
  });

  it("with colours on, the only escape sequences are locklint's own colours", async () => {
    const r = await runCli(["--color", sqlFile(scratch(), "esc.sql", ESC_TABLE)]);
    expect(r.stdout).toContain('"a\\x1b[31mb"');
    // every raw ESC starts one of picocolors' SGR sequences, none the table's \x1b[31mb
    expect(r.stdout.replace(/\x1b\[\d+m/g, "")).not.toMatch(/[\x1b\u202e]/);
  });

  it("locks, github and markdown escape them too; JSON by JSON's rules", async () => {
    const input = sqlFile(scratch(), "esc.sql", ESC_TABLE);
    for (const args of [["locks"], ["-f", "github"], ["-f", "markdown"]]) {
      const r = await runCli([...args, input]);
      expect(r.stdout).toContain('"a\\x1b[31mb"');
      expect(r.stdout).toContain('"x\\u202ey"');
      expect(r.stdout).not.toMatch(/[\x1b\u202e]/);
    }
    const json = await runCli(["-f", "json", input]);
    expect(json.stdout).toContain("a\\u001b[31mb");
  });

  it("a lone carriage return in an identifier cannot send the line back over itself", async () => {
    const r = await runCli([sqlFile(scratch(), "cr.sql", 'CREATE INDEX i ON "safe\rDROP" (c);\n')]);
    expect(r.stdout).not.toMatch(/\r/);
  });

  it("markdown: a lone carriage return in a statement is shown as \\r in its sql block (found by the fuzz harness)", async () => {
    const r = await runCli(["-f", "markdown", sqlFile(scratch(), "cr-md.sql", "ALTER TABLE a\rRENAME TO l;\n")]);
    expect(r.stdout).toContain("ALTER TABLE a\\rRENAME TO l");
    expect(r.stdout).not.toMatch(/\r/);
  });
});

describe("error messages reach the terminal as text", () => {
  it("a file name with an escape sequence in a usage error is shown escaped", async () => {
    const r = await runCli([join(scratch(), "missing\x1b[2J.sql")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^locklint: .*missing\\x1b\[2J\.sql: no such file\n$/);
  });
});
