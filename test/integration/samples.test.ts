import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needs, ROOT } from "../support/cli.js";

/** The half of test/samples.test.ts that runs alembic: the committed SQL is what it prints. */

const SAMPLES = join(ROOT, "samples");
const PYTHON = process.env.LOCKLINT_TEST_PYTHON ?? "/usr/bin/python3";
const hasAlembic = spawnSync(PYTHON, ["-c", "import alembic"]).status === 0;

describe("samples/ end to end", () => {
  it.skipIf(!hasAlembic)(
    needs(
      hasAlembic,
      `alembic for ${PYTHON} (apt-get install -y python3-alembic)`,
      "the committed SQL is what alembic prints for the migration files (samples/regenerate.sh)",
    ),
    () => {
      const copy = mkdtempSync(join(tmpdir(), "locklint-samples-"));
      cpSync(SAMPLES, copy, { recursive: true });
      const r = spawnSync("bash", [join(copy, "regenerate.sh")], { env: { ...process.env, PYTHON }, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      // the alembic projects (samples/feature-branch holds revision files only)
      const projects = readdirSync(copy).filter((p) => existsSync(join(copy, p, "alembic.ini")));
      expect(projects).toEqual(["shop-risky", "shop-safe"]);
      for (const project of projects) {
        for (const sql of ["upgrade.sql", "downgrade.sql"]) {
          expect(readFileSync(join(copy, project, sql), "utf8"), `${project}/${sql}`).toBe(readFileSync(join(SAMPLES, project, sql), "utf8"));
        }
      }
    },
  );
});
