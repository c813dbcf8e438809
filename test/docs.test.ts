import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedDocs } from "../src/docs/generated.js";
import { ROOT } from "./support/cli.js";

describe("docs/rules", () => {
  it("is what `npm run docs` generates from rules/ (run it after changing a rule)", async () => {
    for (const doc of await generatedDocs()) {
      let onDisk = "";
      try {
        onDisk = readFileSync(join(ROOT, doc.path), "utf8");
      } catch {
        // missing: reported by the comparison below
      }
      expect(onDisk, `${doc.path} is stale: run npm run docs`).toBe(doc.content);
    }
  });
});
