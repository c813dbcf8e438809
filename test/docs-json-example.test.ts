import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";

// issue 18: "The JSON example in the docs is stale." The JSON examples of docs/locks.md are what locklint
// prints for their inputs, field for field: a change of the output fails here until the example follows.

const DOC = readFileSync(join(ROOT, "docs", "locks.md"), "utf8");
const EXAMPLES = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The JSON example that contains `marker`, parsed (a fragment `"key": [...]` is read as an object). */
function example(marker: string): unknown {
  const found = EXAMPLES.filter((e) => e.includes(marker));
  expect(found, `one JSON example of docs/locks.md contains ${marker}`).toHaveLength(1);
  const text = found[0]!.trim();
  return JSON.parse(text.startsWith("{") ? text : `{${text}}`);
}

async function json(args: string[], input = ""): Promise<Record<string, unknown[]>> {
  const r = await runCli(args, input);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Record<string, unknown[]>;
}

const TIMELINE_INPUT =
  "BEGIN;\n-- Running upgrade a -> b\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users ALTER COLUMN age TYPE bigint;\nCOMMIT;\n";

describe("docs/locks.md: the JSON examples are locklint's output", () => {
  it("locks --format json samples/shop-risky/upgrade.sql: the statement at line 31", async () => {
    const doc = example('"transactional"') as { statements: { line: number }[] };
    const real = (await json(["locks", "--format", "json", "samples/shop-risky/upgrade.sql"])) as { statements: { line: number }[] };
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0]).toEqual(real.statements.find((s) => s.line === doc.statements[0]!.line));
  });

  it("locks --format json: the transaction of the timeline example (its input is the text example's)", async () => {
    const real = (await json(["locks", "--format", "json", "-"], TIMELINE_INPUT)) as { transactions: unknown[] };
    expect(example('"slowWhileHeld"')).toEqual(real.transactions[0]);
    // the text example above it shows the same transaction
    const text = (await runCli(["locks", "-"], TIMELINE_INPUT)).stdout;
    expect(DOC).toContain(text.slice(text.indexOf("Transaction 1"), text.indexOf("\n\n", text.indexOf("Transaction 1"))));
  });

  it("--format json samples/shop-risky/upgrade.sql: the first finding and the summary", async () => {
    const doc = example('"findings"') as { findings: unknown[]; summary: unknown };
    const real = await json(["--format", "json", "samples/shop-risky/upgrade.sql"]);
    expect(doc.findings).toEqual(real.findings!.slice(0, 1));
    expect(doc.summary).toEqual(real.summary);
  });

  it("--format json migration.sql with a DO block: unmodelled", async () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-docs-"));
    writeFileSync(join(dir, "migration.sql"), "BEGIN;\nDO $$ BEGIN PERFORM 1; END $$;\nCOMMIT;\n");
    const real = await json(["--format", "json", join(dir, "migration.sql")]);
    const doc = example('"unmodelled"') as { unmodelled: { file: string }[] };
    expect(real.unmodelled).toEqual(doc.unmodelled.map((u) => ({ ...u, file: join(dir, "migration.sql") })));
  });
});
