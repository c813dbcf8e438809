import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import type { Finding } from "../src/lint/findings.js";
import { analyzeText } from "./support/analyze-text.js";

const CORPUS = "/work/shared/corpus/alembic";
const RULE = "revisions-share-transaction";

async function shared(sql: string, path?: string): Promise<Finding[]> {
  return (await analyzeText(sql, { rules: RULES, path })).findings.filter((f) => f.rule === RULE);
}

/** Tables that existed before the transaction under test (committed by an earlier one): 5 lines for two tables. */
const BEFORE = (tables: string[]) =>
  `-- Running upgrade  -> base\nBEGIN;\n${tables.map((t) => `CREATE TABLE ${t} (id uuid PRIMARY KEY, configuration jsonb);`).join("\n")}\nCOMMIT;\n`;

describe("revisions-share-transaction: once per transaction, at the first statement of the later revision that runs under the earlier lock", () => {
  it("polar 638a2f04c7ce -> c3553f7b8b0c: skips the revision's SET LOCAL lock_timeout and stands at its backfill, naming the boundary line", async () => {
    // polar.sql lines 3336-3384 (CREATE TABLE shortened): the foreign key of 638a2f04c7ce takes SHARE ROW EXCLUSIVE on organizations.
    const sql =
      BEFORE(["organizations", "organization_sso_connections"]) + // lines 1-5
      [
        "BEGIN;", // 6
        "UPDATE alembic_version SET version_num='3955b27539d3' WHERE alembic_version.version_num = 'cddb6a1cfd92';",
        "-- Running upgrade 3955b27539d3 -> 638a2f04c7ce",
        "SET LOCAL lock_timeout = '5s';",
        "CREATE TABLE organization_risk_signals (id UUID NOT NULL, organization_id UUID NOT NULL, CONSTRAINT organization_risk_signals_pkey PRIMARY KEY (id), CONSTRAINT organization_risk_signals_organization_id_fkey FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE cascade);",
        "CREATE INDEX ix_organization_risk_signals_organization_id ON organization_risk_signals (organization_id);", // 11
        "UPDATE alembic_version SET version_num='638a2f04c7ce' WHERE alembic_version.version_num = '3955b27539d3';",
        "-- Running upgrade 638a2f04c7ce -> c3553f7b8b0c",
        "SET LOCAL lock_timeout = '5s';",
        "UPDATE organization_sso_connections SET configuration = configuration || '{\"authorization_parameters\": {}}'::jsonb WHERE NOT configuration ? 'authorization_parameters';",
        "UPDATE alembic_version SET version_num='c3553f7b8b0c' WHERE alembic_version.version_num = '638a2f04c7ce';", // 15
        "COMMIT;",
      ].join("\n");
    const found = await shared(sql);
    // Before issue 18 it stood at line 14, the SET LOCAL, which runs in no time.
    expect(found.map((f) => [f.line, f.revision?.id])).toEqual([[15, "c3553f7b8b0c"]]);
    expect(found[0]!.message).toBe(
      "revision c3553f7b8b0c runs in the same transaction as revision 638a2f04c7ce, which took SHARE ROW EXCLUSIVE on organizations at line 10: that lock is held from the boundary at line 13 (Running upgrade 638a2f04c7ce -> c3553f7b8b0c) through this and every later revision until COMMIT",
    );
  });

  it("polar cddb6a1cfd92 -> 3955b27539d3: a revision that opens with COMMIT (autocommit_block) releases the earlier locks first: silent", async () => {
    // polar.sql lines 3310-3340 (two of the four ADD COLUMNs and indexes).
    const sql =
      BEFORE(["oauth2_clients", "transactions"]) +
      [
        "BEGIN;",
        "UPDATE alembic_version SET version_num='40d0bc3f9994' WHERE alembic_version.version_num = 'f2f377ed2cf5';",
        "-- Running upgrade 40d0bc3f9994 -> cddb6a1cfd92",
        "SET LOCAL lock_timeout = '5s';",
        "ALTER TABLE oauth2_clients ADD COLUMN client_secret_hash VARCHAR(64);",
        "CREATE INDEX ix_oauth2_clients_client_secret_hash ON oauth2_clients (client_secret_hash);",
        "UPDATE alembic_version SET version_num='cddb6a1cfd92' WHERE alembic_version.version_num = '40d0bc3f9994';",
        "-- Running upgrade cddb6a1cfd92 -> 3955b27539d3",
        "COMMIT;",
        "DROP INDEX CONCURRENTLY IF EXISTS ix_dispute_transaction_dispute_id_uniqueness;",
        "CREATE UNIQUE INDEX CONCURRENTLY ix_dispute_transaction_dispute_id_uniqueness ON transactions (id) WHERE id IS NOT NULL;",
        "BEGIN;",
        "UPDATE alembic_version SET version_num='3955b27539d3' WHERE alembic_version.version_num = 'cddb6a1cfd92';",
        "COMMIT;",
      ].join("\n");
    // Before issue 18 it stood at the COMMIT, line 15, which ends the hold.
    expect(await shared(sql)).toEqual([]);
  });

  it("dify 4474872b0ee6 -> 0ab65e1cc7fa: the first statement of the later revision, once for the transaction", async () => {
    // dify.sql lines 2331-2343.
    const sql =
      BEFORE(["workflow_draft_variables", "workflow_runs"]) +
      [
        "-- Running upgrade 2adcbe1f5dfb -> 4474872b0ee6",
        "BEGIN;",
        "ALTER TABLE workflow_draft_variables ADD COLUMN node_execution_id UUID;",
        "UPDATE alembic_version SET version_num='4474872b0ee6' WHERE alembic_version.version_num = '2adcbe1f5dfb';",
        "-- Running upgrade 4474872b0ee6 -> 0ab65e1cc7fa",
        "DROP INDEX IF EXISTS workflow_run_tenant_app_sequence_idx;",
        "ALTER TABLE workflow_runs DROP COLUMN configuration;", // 12
        "UPDATE alembic_version SET version_num='0ab65e1cc7fa' WHERE alembic_version.version_num = '4474872b0ee6';",
        "-- Running upgrade 0ab65e1cc7fa -> later",
        "ALTER TABLE workflow_runs ADD COLUMN x int;",
        "COMMIT;",
      ].join("\n");
    const found = await shared(sql);
    expect(found.map((f) => f.line)).toEqual([11]);
    expect(found[0]!.message).toContain(
      "revision 0ab65e1cc7fa runs in the same transaction as revision 4474872b0ee6, which took ACCESS EXCLUSIVE on workflow_draft_variables at line 8: that lock is held from the boundary at line 10 (Running upgrade 4474872b0ee6 -> 0ab65e1cc7fa)",
    );
  });

  it.skipIf(!existsSync(`${CORPUS}/polar.sql`))(
    "polar.sql (corpus, skipped when absent): never at a COMMIT or a SET, each at the first statement after its boundary",
    async () => {
      const text = readFileSync(`${CORPUS}/polar.sql`, "utf8");
      const found = await shared(text, `${CORPUS}/polar.sql`);
      // Before issue 18: 11, at 3086 3332 3371 3401 3421 3455 3493 3593 3625 3645 3679 (four COMMITs, four SET LOCALs).
      expect(found.map((f) => f.line)).toEqual([3086, 3373, 3423, 3457, 3495, 3645, 3681]);
      for (const f of found) expect(f.sql).not.toMatch(/^(COMMIT|SET)\b/);
    },
  );
});
