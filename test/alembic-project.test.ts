import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findAlembicIni, readAlembicProject } from "../src/alembic/project.js";
import { ROOT } from "./support/cli.js";

describe("alembic.ini", () => {
  it("is found from a subdirectory of the sample project; its versions directory follows script_location", () => {
    const ini = findAlembicIni(join(ROOT, "samples/shop-risky/migrations/versions"));
    expect(ini).toBe(join(ROOT, "samples/shop-risky/alembic.ini"));
    expect(readAlembicProject(ini)).toEqual({
      ini,
      section: "alembic",
      scriptLocation: join(ROOT, "samples/shop-risky/migrations"),
      versionLocations: [join(ROOT, "samples/shop-risky/migrations/versions")],
    });
  });

  it("reads %(here)s, version_locations with its separator, continuation lines and another section", () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-ini-"));
    mkdirSync(join(dir, "db"));
    writeFileSync(
      join(dir, "alembic.ini"),
      [
        "[alembic]",
        "script_location = %(here)s/db",
        "version_path_separator = os",
        "version_locations = %(here)s/db/a:%(here)s/db/b",
        "",
        "[reports]",
        "# a second database",
        "script_location = reports_db",
        "version_locations =",
        "    r1",
        "    r2",
        "",
      ].join("\n"),
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
