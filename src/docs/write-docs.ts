import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedDocs } from "./generated.js";

/** `npm run docs`: regenerates docs/rules/ and docs/effects.md from the code. */
const root = fileURLToPath(new URL("../../", import.meta.url));
for (const doc of await generatedDocs()) {
  const path = join(root, doc.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, doc.content);
  console.log(`wrote ${doc.path}`);
}
