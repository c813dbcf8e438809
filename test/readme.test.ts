import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";
import { expectShownInOrder, shownRuns } from "./support/shown-output.js";

/** Each README block that starts with `$ bin/locklint.js ...` shows that command's real output. */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const examples = shownRuns(README, "bin/locklint.js");

describe("README", () => {
  it("has example runs", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const { args, shown } of examples) {
    it(`shows the real output of locklint ${args.join(" ")} ("..." marks lines left out)`, async () => {
      expectShownInOrder(shown, (await runCli(args)).stdout);
    });
  }

  it("names the wheel npm run wheel builds for package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const wheels = [...README.matchAll(/locklint-(\d\S*)-py3-none-any\.whl/g)].map((m) => m[1]);
    expect(wheels.length).toBeGreaterThan(0);
    for (const named of wheels) expect(named).toBe(version);
  });

  it("names the commands that package.json defines", () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    for (const command of README.matchAll(/npm run (\w+)/g)) expect(scripts).toContain(command[1]);
  });
});
