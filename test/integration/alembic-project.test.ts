import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAlembicProject } from "../../src/alembic/project.js";
import { findPython, renderHistory } from "../../src/alembic/offline.js";
import { DEBIAN_PYTHON, HAS_ALEMBIC, needs, ROOT } from "../support/cli.js";

/** The half of test/alembic-project.test.ts that runs alembic. */

const ALEMBIC = "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)";

describe("offline rendering of the history", () => {
  it.skipIf(!HAS_ALEMBIC)(
    needs(
      HAS_ALEMBIC,
      ALEMBIC,
      "one alembic process prints the upgrade and the downgrade of the sample: the same SQL as the committed upgrade.sql and downgrade.sql",
    ),
    async () => {
      const project = readAlembicProject(join(ROOT, "samples/shop-risky/alembic.ini"));
      const { sources } = await renderHistory(project, { python: DEBIAN_PYTHON, downgrade: true });
      expect(sources.map((s) => s.text)).toEqual([
        readFileSync(join(ROOT, "samples/shop-risky/upgrade.sql"), "utf8"),
        readFileSync(join(ROOT, "samples/shop-risky/downgrade.sql"), "utf8"),
      ]);
    },
  );

  it.skipIf(!HAS_ALEMBIC)(
    needs(HAS_ALEMBIC, ALEMBIC, "alembic's failure is one clear line with its message; no interpreter with alembic is a clear error too"),
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "locklint-ini-"));
      writeFileSync(join(dir, "alembic.ini"), "[alembic]\nscript_location = nowhere\n");
      await expect(renderHistory(readAlembicProject(join(dir, "alembic.ini")), { python: DEBIAN_PYTHON })).rejects.toThrow(
        /^alembic upgrade base:heads --sql failed \(exit \d+\): .*nowhere/,
      );
      const missing = { python: "/nonexistent/python3", where: "on PATH" };
      await expect(findPython([missing])).rejects.toThrow(
        "no Python that can import alembic; tried /nonexistent/python3 (on PATH: cannot run): activate the project's environment or give --python PATH",
      );
      expect((await findPython([missing, { python: DEBIAN_PYTHON, where: "on PATH" }])).python).toBe(DEBIAN_PYTHON);
    },
  );
});
