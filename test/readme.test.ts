import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runBin } from "./support/cli.js";

/** Each README block that starts with `$ node bin/locklint.js ...` shows that command's real output. */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const examples = [...README.matchAll(/```\n\$ node bin\/locklint\.js ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({ args: m[1]!.split(" "), shown: m[2]!.trimEnd().split("\n") }));

describe("README", () => {
  it("has example runs", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const { args, shown } of examples) {
    it(`shows the real output of locklint ${args.join(" ")} ("..." marks lines left out)`, () => {
      const actual = runBin(args).stdout.trimEnd().split("\n");
      let at = 0;
      for (const line of shown) {
        if (line === "...") continue;
        const found = actual.indexOf(line, at);
        expect(found, `README line not in the output (in order): ${line}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    });
  }

  it("names the commands that package.json defines", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts);
    for (const command of README.matchAll(/npm run (\w+)/g)) expect(scripts).toContain(command[1]);
  });
});
