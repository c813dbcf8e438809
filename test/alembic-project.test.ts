import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findAlembicIni, readAlembicProject } from "../src/alembic/project.js";
import { findPython, renderHistory } from "../src/alembic/offline.js";
import { DEBIAN_PYTHON, HAS_ALEMBIC, ROOT } from "./support/cli.js";

describe("alembic.ini", () => {
  it("is found from a subdirectory of the sample project; its versions directory follows script_location", () => {
    const ini = findAlembicIni(join(ROOT, "samples/shop-risky/migrations/versions"));
    expect(ini).toBe(join(ROOT, "samples/shop-risky/alembic.ini"));
    expect(readAlembicProject(ini)).toEqual({ ini, section: "alembic", scriptLocation: join(ROOT, "samples/shop-risky/migrations"), versionLocations: [join(ROOT, "samples/shop-risky/migrations/versions")] });
  });

  it("reads %(here)s, version_locations with its separator, continuation lines and another section", () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-ini-"));
    mkdirSync(join(dir, "db"));
    writeFileSync(
      join(dir, "alembic.ini"),
      ["[alembic]", "script_location = %(here)s/db", "version_path_separator = os", "version_locations = %(here)s/db/a:%(here)s/db/b", "", "[reports]", "# a second database", "script_location = reports_db", "version_locations =", "    r1", "    r2", ""].join("\n"),
    );
    const ini = join(dir, "alembic.ini");
    expect(readAlembicProject(ini).versionLocations).toEqual([join(dir, "db/a"), join(dir, "db/b")]);
    expect(readAlembicProject(ini, "reports")).toMatchObject({ scriptLocation: join(dir, "reports_db"), versionLocations: [join(dir, "r1"), join(dir, "r2")] });
  });

  it("clear errors: no alembic.ini, a missing section, a package script_location", () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-ini-"));
    expect(() => findAlembicIni(dir)).toThrow(/no alembic\.ini in .* or above it/);
    writeFileSync(join(dir, "alembic.ini"), "[alembic]\nscript_location = myapp:migrations\n");
    expect(() => readAlembicProject(join(dir, "alembic.ini"), "other")).toThrow(/no \[other\] section/);
    expect(() => readAlembicProject(join(dir, "alembic.ini"))).toThrow(/names a Python package/);
  });
});

describe("offline rendering of the history", () => {
  it.skipIf(!HAS_ALEMBIC)("one alembic process prints the upgrade and the downgrade of the sample: the same SQL as the committed upgrade.sql and downgrade.sql", async () => {
    const project = readAlembicProject(join(ROOT, "samples/shop-risky/alembic.ini"));
    const { sources } = await renderHistory(project, { python: DEBIAN_PYTHON, downgrade: true });
    expect(sources.map((s) => s.text)).toEqual([readFileSync(join(ROOT, "samples/shop-risky/upgrade.sql"), "utf8"), readFileSync(join(ROOT, "samples/shop-risky/downgrade.sql"), "utf8")]);
  });

  it.skipIf(!HAS_ALEMBIC)("alembic's failure is one clear line with its message; no interpreter with alembic is a clear error too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-ini-"));
    writeFileSync(join(dir, "alembic.ini"), "[alembic]\nscript_location = nowhere\n");
    await expect(renderHistory(readAlembicProject(join(dir, "alembic.ini")), { python: DEBIAN_PYTHON })).rejects.toThrow(/^alembic upgrade base:heads --sql failed \(exit \d+\): .*nowhere/);
    const missing = { python: "/nonexistent/python3", where: "on PATH" };
    await expect(findPython([missing])).rejects.toThrow("no Python that can import alembic; tried /nonexistent/python3 (on PATH: cannot run): activate the project's environment or give --python PATH");
    expect((await findPython([missing, { python: DEBIAN_PYTHON, where: "on PATH" }])).python).toBe(DEBIAN_PYTHON);
  });
});

if (!HAS_ALEMBIC) console.warn("SKIPPED: offline rendering needs alembic for /usr/bin/python3 (apt-get install -y python3-alembic)");
