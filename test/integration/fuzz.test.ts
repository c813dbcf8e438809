import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { COMMANDS, violation, type Command } from "../fuzz/cases.js";
import { loadSeeds } from "../fuzz/corpus.js";
import { fuzz } from "../fuzz/fuzz.js";
import { fuzzInput } from "../fuzz/mutate.js";
import { Random } from "../fuzz/random.js";
import { CaseRunner } from "../fuzz/runner.js";

/** Fixed, so that CI runs the same cases every time; `npm run fuzz` picks a random one. */
const SEED = 16;
const SECONDS = 15;
/** Cases 0 to 299 of the seed: a slower machine runs fewer of them in the time, never others (with the start of
 * the worker and the one trace run, the test takes about 20 s). */
const CASES = 300;

const runner = new CaseRunner();
afterAll(() => runner.close());

describe("fuzz (short run; the long one is npm run fuzz)", () => {
  it("mutated windows of real alembic output through every command and format: no crash, no hang, exit 0/1 with a whole report or exit 2 with one line", async () => {
    const log: string[] = [];
    console.log(`fuzz: seed ${SEED}, ${SECONDS} s at most ${CASES} cases (npm run fuzz -- --seed ${SEED} --seconds ${SECONDS} runs them and more)`);
    // trace (embedded PostgreSQL, seconds a run) on the first case only
    const result = await fuzz(loadSeeds(), runner, { seed: SEED, seconds: SECONDS, maxCases: CASES, traceEvery: 1_000_000, log: (line) => log.push(line) });
    console.log(`fuzz: ${result.cases} cases, ${result.runs} runs (${result.traceRuns} of trace), exit codes ${JSON.stringify(result.exits)}`);
    expect(result.traceRuns).toBe(1);
    expect(log.join("\n")).toBe("");
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(10);
  }, 180_000);
});

describe("fuzz inputs", () => {
  it("without the shared corpus, the fuzz says SKIPPED and starts from the repository's samples", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const seeds = loadSeeds(join(tmpdir(), "no-such-corpus"));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED: the alembic corpus \(.*no-such-corpus\) is absent/));
    warn.mockRestore();
    expect(seeds.map((s) => s.name).sort()).toEqual([
      "samples/shop-risky/downgrade.sql",
      "samples/shop-risky/upgrade.sql",
      "samples/shop-safe/downgrade.sql",
      "samples/shop-safe/upgrade.sql",
    ]);
  });

  it("case n of a seed is the same input whatever ran before it (a failure can be regenerated)", () => {
    const seeds = loadSeeds();
    const first = fuzzInput(seeds, new Random(42));
    fuzzInput(seeds, new Random(7));
    expect(fuzzInput(seeds, new Random(42))).toEqual(first);
  });
});

describe("fuzz verdicts", () => {
  const [text, json] = COMMANDS as [Command, Command];
  const report = "2 statements in 1 file: no findings\n";

  it("a whole report with exit 0 or 1 keeps the rules", () => {
    expect(violation(text, { code: 1, stdout: `a finding\n\n${report}`, stderr: "" })).toBeNull();
    expect(violation(json, { code: 0, stdout: "{}\n", stderr: "" })).toBeNull();
  });

  it("one locklint: line with exit 2 keeps the rules", () => {
    expect(violation(text, { code: 2, stdout: "", stderr: "locklint: <stdin>: line 3: unterminated quote\n" })).toBeNull();
  });

  it("an internal error, a stack trace or an exit code other than 0, 1, 2 is a failure", () => {
    expect(violation(text, { code: 2, stdout: "", stderr: "locklint: internal error: x (please report it)\n" })).toMatch(/^internal error/);
    expect(violation(text, { code: 1, stdout: report, stderr: "TypeError: x\n    at f (file.js:1:2)\n" })).toBe("stack trace on stderr");
    expect(violation(text, { code: 134, stdout: "", stderr: "" })).toBe("exit code 134");
  });

  it("exit 2 with a second stderr line, or without the locklint: prefix, is a failure", () => {
    expect(violation(text, { code: 2, stdout: "", stderr: "locklint: a\nlocklint: b\n" })).toBe("exit 2 with 2 stderr lines");
    expect(violation(text, { code: 2, stdout: "", stderr: "error: a\n" })).toMatch(/^exit 2 without a "locklint: " line/);
    expect(violation(text, { code: 2, stdout: "", stderr: "" })).toMatch(/^exit 2 without/);
  });

  it("a cut-off report with exit 0 or 1 is a failure (no summary line, JSON that does not parse)", () => {
    expect(violation(text, { code: 0, stdout: "a finding\n", stderr: "" })).toMatch(/^no summary line/);
    expect(violation(json, { code: 1, stdout: '{"findings": [', stderr: "" })).toMatch(/^stdout is not JSON/);
  });

  it("a passing lint report of no statement is a failure (input that cannot be a migration is exit 2)", () => {
    expect(violation(text, { code: 0, stdout: "0 statements in 1 file: no findings\n", stderr: "" })).toMatch(/^a passing report of no statement/);
  });

  it("a terminal escape or bidi control from the input, raw in a text report, is a failure", () => {
    expect(violation(text, { code: 1, stdout: `table "a\x1b[31mb"\n${report}`, stderr: "" })).toMatch(/^raw control character U\+001B/);
    expect(violation(text, { code: 1, stdout: `table "a\u202eb"\n${report}`, stderr: "" })).toMatch(/^raw control character U\+202E/);
    expect(violation(text, { code: 1, stdout: `ALTER TABLE a\rDROP TABLE b\n${report}`, stderr: "" })).toMatch(/^raw control character U\+000D/);
  });

  it("a CRLF line of the input echoed in a text report is no failure (the CR moves nothing shown)", () => {
    expect(violation(text, { code: 1, stdout: `SQL: CREATE INDEX CONCURRENTLY\r\n     ON r(k);\n${report}`, stderr: "" })).toBeNull();
  });

  it("a run that never ends is a timeout, and the next run gets a fresh process", async () => {
    const input = Buffer.from("CREATE TABLE t (id int);\n");
    expect(await runner.run({ ...text, timeoutMs: 1 }, input)).toEqual({ code: -1, violation: "timeout: no result in 0.001 s" });
    expect(await runner.run(text, input)).toEqual({ code: 0, violation: null });
  }, 60_000);
});
